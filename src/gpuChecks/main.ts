// The GPU-check page: exposes window.hybridChecks.run(request), which runs a request in a fresh
// worker on the webgpu backend and resolves with its figures. e2e/kernels.spec.ts drives it.
import type { CheckRequest, FromChecks } from './protocol';

type Answer = Exclude<FromChecks, { type: 'progress' } | { type: 'error' }>;

declare global {
  interface Window {
    hybridChecks: { run(request: CheckRequest): Promise<Answer>; progress: string };
  }
}

const log = document.getElementById('log') as HTMLPreElement;

function run(request: CheckRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: `checks-${request.kind}` });
    worker.onmessage = (event: MessageEvent<FromChecks>) => {
      const message = event.data;
      if (message.type === 'progress') {
        window.hybridChecks.progress = message.message;
        return;
      }
      worker.terminate();
      log.textContent += `${JSON.stringify(message)}\n`;
      if (message.type === 'error') reject(new Error(message.message));
      else resolve(message);
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`check worker failed: ${event.message}`));
    };
    worker.postMessage(request);
  });
}

window.hybridChecks = { run, progress: '' };
