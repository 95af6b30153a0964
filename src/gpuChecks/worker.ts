// The GPU-check worker: selects webgpu exactly as the app does when forced (?backend=webgpu) and
// runs the requested checks.
import * as tf from '@tensorflow/tfjs';
import { installGpuCounters } from '../bench/gpuCounters';
import { webgpuBackend } from '../model/webgpu/runner';
import { selectBackend } from '../worker/backend';
import { kernelChecks } from './kernelChecks';
import type { CheckRequest, FromChecks } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
// Some checks count dispatches at the WebGPU API (the benchmark's counters).
installGpuCounters();
const emit = (message: FromChecks) => scope.postMessage(message);

async function run(request: CheckRequest): Promise<void> {
  const choice = await selectBackend('webgpu');
  if (tf.getBackend() !== 'webgpu') throw new Error(`webgpu is not available here: ${choice.reason}`);
  // WebGPU reports an invalid shader or binding asynchronously and otherwise silently: collect them.
  const gpuErrors: string[] = [];
  webgpuBackend().device.addEventListener('uncapturederror', (event) => gpuErrors.push((event as GPUUncapturedErrorEvent).error.message));
  const results = [];
  for (const check of kernelChecks) {
    if (request.only && !request.only.includes(check.name)) continue;
    emit({ type: 'progress', message: check.name });
    results.push(await check.run());
  }
  await tf.ready();
  if (gpuErrors.length) throw new Error(`WebGPU errors: ${gpuErrors.join(' | ')}`);
  emit({ type: 'kernels', results, adapter: choice.adapter });
}

scope.onmessage = (event: MessageEvent<CheckRequest>) => {
  run(event.data).catch((error: unknown) =>
    emit({ type: 'error', message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) }),
  );
};
