// The GPU-check worker: selects webgpu exactly as the app does when forced (?backend=webgpu) and
// runs the requested checks.
import * as tf from '@tensorflow/tfjs';
import { installGpuCounters } from '../bench/gpuCounters';
import { webgpuBackend } from '../model/webgpu/runner';
import { selectBackend } from '../worker/backend';
import { kernelChecks } from './kernelChecks';
import { trainingRun } from './parity';
import { forceReferenceOps } from '../model/webgpu/limits';
import type { CheckRequest, FromChecks } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
// Some checks count dispatches at the WebGPU API (the benchmark's counters).
installGpuCounters();
const emit = (message: FromChecks) => scope.postMessage(message);

// WebGPU reports an invalid shader or binding asynchronously and otherwise silently: collect them.
const gpuErrors: string[] = [];
const watched = new WeakSet<GPUDevice>();
async function selectWebgpu(): Promise<string | null> {
  const choice = await selectBackend('webgpu');
  if (tf.getBackend() !== 'webgpu') throw new Error(`webgpu is not available here: ${choice.reason}`);
  const { device } = webgpuBackend();
  if (!watched.has(device)) {
    watched.add(device);
    device.addEventListener('uncapturederror', (event) => gpuErrors.push((event as GPUUncapturedErrorEvent).error.message));
  }
  return choice.adapter;
}

async function throwGpuErrors(): Promise<void> {
  await tf.ready();
  if (gpuErrors.length) throw new Error(`WebGPU errors: ${gpuErrors.slice(0, 5).join(' | ')}`);
}

async function parity(request: Extract<CheckRequest, { kind: 'parity' }>): Promise<void> {
  const runs = [];
  forceReferenceOps(request.referenceOps ?? false);
  for (const backend of request.backends) {
    if (backend === 'webgpu') await selectWebgpu();
    const started = performance.now();
    const steps = await trainingRun(
      backend,
      request.preset,
      request.steps,
      (message) => emit({ type: 'progress', message }),
      request.batch,
    );
    runs.push({ backend, steps, seconds: (performance.now() - started) / 1000 });
  }
  await throwGpuErrors();
  emit({ type: 'parity', runs });
}

async function run(request: CheckRequest): Promise<void> {
  if (request.kind === 'parity') return parity(request);
  const adapter = await selectWebgpu();
  const results = [];
  for (const check of kernelChecks) {
    if (request.only && !request.only.includes(check.name)) continue;
    emit({ type: 'progress', message: check.name });
    results.push(await check.run());
  }
  await throwGpuErrors();
  emit({ type: 'kernels', results, adapter });
}

scope.onmessage = (event: MessageEvent<CheckRequest>) => {
  run(event.data).catch((error: unknown) =>
    emit({ type: 'error', message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) }),
  );
};
