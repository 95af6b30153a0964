// Chooses and initialises the tfjs backend inside the worker (docs/architecture.md).
// We probe the WebGPU adapter ourselves because tfjs silently falls back when WebGPU fails, and a
// software adapter (SwiftShader) is slower than wasm for this model.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendName, BackendRequest } from '../config';
import type { MemoryLimits } from '../model/memoryEstimate';
import { installPooledUploads } from '../model/webgpu/uploads';
import { deviceLimits, type KernelDecision } from '../model/webgpu/limits';
import { webgpuBackend } from '../model/webgpu/runner';
import { staticKernelSupport } from '../model/webgpu/support';
import { shareWasmIdentity } from './wasmIdentity';
import { registerWebgpuWithAdapterLimits } from './webgpuDevice';

export interface BackendChoice {
  backend: BackendName;
  reason: string;
  adapter: string | null;
  /** On webgpu, which fused kernels fit this device and which ops fall back (model/webgpu/support.ts). */
  kernels: KernelDecision[] | null;
}

interface AdapterProbe {
  usable: boolean;
  description: string | null;
  why: string;
  maxBufferBytes: number;
}

const GiB = 2 ** 30;
/** We cannot read a GPU's memory size; this budget refuses what no consumer GPU tab would hold. */
const WEBGPU_BUDGET_BYTES = 4 * GiB;
/** wasm32 addresses at most 4 GiB; leave room for the module and the dataset copy. */
const WASM_BUDGET_BYTES = 3 * GiB;

let lastProbe: AdapterProbe | null = null;

/** What the active backend can hold, for the pre-flight check of a new run. */
export function memoryLimitsFor(backend: BackendName): MemoryLimits {
  if (backend === 'webgpu') {
    return { maxTensorBytes: lastProbe?.maxBufferBytes ?? 128 * 2 ** 20, totalBudgetBytes: WEBGPU_BUDGET_BYTES };
  }
  if (backend === 'wasm') return { maxTensorBytes: Infinity, totalBudgetBytes: WASM_BUDGET_BYTES };
  // cpu and webgl keep tensors in the JS heap (webgl also in textures); Chromium tells the heap limit.
  const heap = (performance as Performance & { memory?: { jsHeapSizeLimit: number } }).memory?.jsHeapSizeLimit;
  return { maxTensorBytes: Infinity, totalBudgetBytes: heap ?? 2 * GiB };
}

async function probeWebGpu(): Promise<AdapterProbe> {
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { usable: false, description: null, why: 'this browser exposes no WebGPU', maxBufferBytes: 0 };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { usable: false, description: null, why: `requesting a WebGPU adapter failed (${String(error)})`, maxBufferBytes: 0 };
  }
  if (!adapter) return { usable: false, description: null, why: 'no WebGPU adapter is available', maxBufferBytes: 0 };
  const maxBufferBytes = Math.min(adapter.limits.maxStorageBufferBindingSize, adapter.limits.maxBufferSize);
  const info = adapter.info;
  const description = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
  const isSoftware = adapter.isFallbackAdapter || /swiftshader|llvmpipe|software/i.test(description);
  if (isSoftware) {
    return {
      usable: false,
      description,
      why: `the WebGPU adapter is a software fallback (${description}), slower than wasm`,
      maxBufferBytes,
    };
  }
  return { usable: true, description, why: `WebGPU adapter ${description}`, maxBufferBytes };
}

let wasmConfigured = false;
function configureWasm(): void {
  if (wasmConfigured) return;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  // Threads: tfjs picks its threaded build when the page is cross-origin isolated (COOP/COEP, see
  // vite.config.ts), else the single-threaded SIMD build; a caller may set
  // WASM_HAS_MULTITHREAD_SUPPORT false beforehand to force the latter. Its pthread workers used to
  // die once bundled ("ReferenceError: e is not defined"): the tfjsWasmThreads plugin in
  // vite.config.ts fixes that.
  setThreadsCount(wasmThreads());
  shareWasmIdentity(); // saved activations are shared, not copied (wasmIdentity.ts)
  wasmConfigured = true;
}

/**
 * XNNPACK threads: half the logical cores, as tfjs assumes two hyperthreads per core, but at least
 * two where there are two cores: tfjs's own rule gives a 2-vCPU machine no parallelism at all.
 */
function wasmThreads(): number {
  const cores = Math.max(1, self.navigator.hardwareConcurrency || 1);
  return Math.max(Math.min(2, cores), Math.floor(cores / 2));
}

/**
 * tfjs-backend-wasm caps its thread pool at navigator.hardwareConcurrency / 2, read once while its
 * module initialises, whatever setThreadsCount asks. While it initialises we report twice
 * wasmThreads(), so the cap is wasmThreads(); the returned function puts the browser's value back.
 */
function uncapWasmThreads(): () => void {
  const nav = self.navigator as Navigator & { hardwareConcurrency: number };
  try {
    Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * wasmThreads(), configurable: true });
  } catch {
    return () => undefined; // not overridable here: tfjs keeps its default
  }
  return () => void delete (nav as Partial<typeof nav>).hardwareConcurrency;
}

async function activate(name: BackendName): Promise<boolean> {
  if (name === 'wasm') configureWasm();
  if (name === 'webgpu') registerWebgpuWithAdapterLimits();
  const restore = name === 'wasm' ? uncapWasmThreads() : () => undefined;
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (ok && name === 'webgpu' && tf.getBackend() === 'webgpu') installPooledUploads(webgpuBackend());
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  } finally {
    restore();
  }
}

/**
 * Initialises a backend and reports the one actually in use: always read back from tf.getBackend(),
 * never assumed from the request.
 */
export async function selectBackend(request: BackendRequest): Promise<BackendChoice> {
  const probe = await probeWebGpu();
  lastProbe = probe;
  const adapter = probe.description;
  const kernels = () => (tf.getBackend() === 'webgpu' ? staticKernelSupport(deviceLimits(webgpuBackend().device)) : null);
  if (request !== 'auto') {
    if (await activate(request)) return { backend: request, reason: `forced by ?backend=${request}`, adapter, kernels: kernels() };
    const fallback = await firstWorking(['wasm', 'cpu']);
    return { backend: fallback, reason: `?backend=${request} failed to initialise; fell back to ${fallback}`, adapter, kernels: null };
  }
  if (probe.usable && (await activate('webgpu'))) return { backend: 'webgpu', reason: probe.why, adapter, kernels: kernels() };
  const fallback = await firstWorking(['wasm', 'webgl', 'cpu']);
  return { backend: fallback, reason: `${probe.why}; using ${fallback}`, adapter, kernels: null };
}

async function firstWorking(order: BackendName[]): Promise<BackendName> {
  for (const name of order) {
    if (await activate(name)) return name;
  }
  throw new Error('no tfjs backend could be initialised');
}
