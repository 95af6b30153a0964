// The bench worker: one combination per worker, so every combination starts from a fresh tfjs
// (first-step shader compilation is measured, no buffer pool is inherited). The backend is chosen by
// the app's own selectBackend, forced to the requested one, exactly as ?backend= does in the app.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../worker/backend';
import { installGpuCounters } from './gpuCounters';
import { benchTraining } from './measure';
import type { BenchRequest, FromBench } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
// Before any device exists, so every WebGPU call of this worker is counted.
installGpuCounters();

function emit(message: FromBench): void {
  scope.postMessage(message);
}

async function run(request: BenchRequest): Promise<void> {
  // Set before the backend initialises; selectBackend leaves a flag that is already false alone.
  if (!request.wasmThreads) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const choice = await selectBackend(request.backend);
  const active = tf.getBackend();
  if (active !== request.backend) {
    emit({ type: 'error', message: `backend ${request.backend} is not available here: ${choice.reason}` });
    return;
  }
  const wasmThreads = active === 'wasm' ? getThreadsCount() : null;
  const result = await benchTraining(request, { reason: choice.reason, adapter: choice.adapter, wasmThreads }, (message) =>
    emit({ type: 'progress', message }),
  );
  if (active === 'wasm' && request.wasmThreads && wasmThreads === 1) {
    const supported = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    result.notes.push(
      `wasm threads requested but not in use (worker crossOriginIsolated=${scope.crossOriginIsolated}, multithread support=${String(supported)})`,
    );
  }
  emit({ type: 'result', result });
}

scope.onmessage = (event: MessageEvent<BenchRequest>) => {
  run(event.data).catch((error: unknown) =>
    emit({ type: 'error', message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) }),
  );
};
