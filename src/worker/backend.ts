// Chooses and initialises the tfjs backend inside the worker (DESIGN §3).
// We probe the WebGPU adapter ourselves because tfjs silently falls back when WebGPU fails, and a
// software adapter (SwiftShader) is slower than wasm for this model.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendName, BackendRequest } from '../config';

export interface BackendChoice {
  backend: BackendName;
  reason: string;
  adapter: string | null;
}

interface AdapterProbe {
  usable: boolean;
  description: string | null;
  why: string;
}

async function probeWebGpu(): Promise<AdapterProbe> {
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { usable: false, description: null, why: 'this browser exposes no WebGPU' };
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { usable: false, description: null, why: `requesting a WebGPU adapter failed (${String(error)})` };
  }
  if (!adapter) return { usable: false, description: null, why: 'no WebGPU adapter is available' };
  const info = adapter.info;
  const description = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
  const isSoftware = adapter.isFallbackAdapter || /swiftshader|llvmpipe|software/i.test(description);
  if (isSoftware) {
    return { usable: false, description, why: `the WebGPU adapter is a software fallback (${description}), slower than wasm` };
  }
  return { usable: true, description, why: `WebGPU adapter ${description}` };
}

let wasmConfigured = false;
function configureWasm(): void {
  if (wasmConfigured) return;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  // The threaded build spawns its pthread workers from an inlined script that breaks once bundled
  // (ReferenceError inside the blob worker), so threads stay off until that is solved.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasmConfigured = true;
}

async function activate(name: BackendName): Promise<boolean> {
  if (name === 'wasm') configureWasm();
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Initialises a backend and reports the one actually in use: always read back from tf.getBackend(),
 * never assumed from the request.
 */
export async function selectBackend(request: BackendRequest): Promise<BackendChoice> {
  const probe = await probeWebGpu();
  const adapter = probe.description;
  if (request !== 'auto') {
    if (await activate(request)) return { backend: request, reason: `forced by ?backend=${request}`, adapter };
    const fallback = await firstWorking(['wasm', 'cpu']);
    return { backend: fallback, reason: `?backend=${request} failed to initialise; fell back to ${fallback}`, adapter };
  }
  if (probe.usable && (await activate('webgpu'))) return { backend: 'webgpu', reason: probe.why, adapter };
  const fallback = await firstWorking(['wasm', 'webgl', 'cpu']);
  return { backend: fallback, reason: `${probe.why}; using ${fallback}`, adapter };
}

async function firstWorking(order: BackendName[]): Promise<BackendName> {
  for (const name of order) {
    if (await activate(name)) return name;
  }
  throw new Error('no tfjs backend could be initialised');
}
