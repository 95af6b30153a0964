// The bench page: exposes window.hybridBench.run(request), which runs one combination in a fresh
// worker and resolves with its figures. scripts/bench.mjs drives it from Playwright; a person can
// call it from the console too. Results are also appended to the page as JSON lines.
import type { BenchRequest, BenchResult, FromBench } from './protocol';

declare global {
  interface Window {
    hybridBench: { run(request: BenchRequest): Promise<BenchResult>; progress: string; crossOriginIsolated: boolean };
  }
}

const log = document.getElementById('log') as HTMLPreElement;

function run(request: BenchRequest): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), {
      type: 'module',
      name: `bench-${request.backend}-${request.preset}`,
    });
    const finish = () => worker.terminate();
    worker.onmessage = (event: MessageEvent<FromBench>) => {
      const message = event.data;
      if (message.type === 'progress') {
        window.hybridBench.progress = message.message;
        return;
      }
      finish();
      if (message.type === 'result') {
        log.textContent += `${JSON.stringify(message.result)}\n`;
        resolve(message.result);
      } else {
        log.textContent += `error (${request.backend}/${request.preset}): ${message.message}\n`;
        reject(new Error(message.message));
      }
    };
    worker.onerror = (event) => {
      finish();
      reject(new Error(`bench worker failed: ${event.message}`));
    };
    worker.postMessage(request);
  });
}

window.hybridBench = { run, progress: '', crossOriginIsolated: self.crossOriginIsolated };
