// Fault reporting inside the worker: a heartbeat so the page can tell a hung or dead worker
// from a slow one, the WebGPU device's `lost` promise and failed buffer mappings turned into one
// 'deviceLost' report (the page then restarts the worker, on wasm), memory figures on request, and the
// test-only simulations, which go through exactly these paths.

import * as tf from '@tensorflow/tfjs';
import type { FromWorker } from '../protocol';
import type { FaultToWorker, MemoryReport } from './faultMessages';

export interface FaultHost {
  post(event: FromWorker): void;
  /** Stops every run from stepping again: a lost device fails every read from now on. */
  stopAll(): void;
}

/** Chromium's words for a read that failed because the device went away. */
const DEVICE_FAILURE =
  /mapAsync|device (was |is |has been )?lost|lost device|GPUBuffer|buffer mapping|destroyed device|device is destroyed/i;

export function isDeviceFailure(backend: string, error: unknown): boolean {
  if (backend !== 'webgpu') return false;
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return DEVICE_FAILURE.test(text);
}

const HEARTBEAT_MS = 1000;

export class FaultReporter {
  private lastStepMs = 0;
  private lost = false;
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly host: FaultHost) {}

  /** Starts the heartbeat; it only fires between steps, so a long synchronous step delays it. */
  start(): void {
    if (this.heartbeat !== null) return;
    this.heartbeat = setInterval(
      () => this.host.post({ type: 'heartbeat', runId: null, step: 0, lastStepMs: this.lastStepMs }),
      HEARTBEAT_MS,
    );
  }

  stop(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  stepTook(ms: number): void {
    this.lastStepMs = ms;
  }

  /** Called once the backend is ready: on WebGPU, a lost device is reported as soon as it happens. */
  watchDevice(): void {
    if (tf.getBackend() !== 'webgpu') return;
    const backend = tf.backend() as tf.KernelBackend & { device?: GPUDevice };
    void backend.device?.lost.then((info) =>
      this.deviceLost(`the GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`),
    );
  }

  /** A step failed: a failed mapping on WebGPU means the device is gone; anything else is the run's. */
  stepFailed(error: unknown): boolean {
    if (!isDeviceFailure(tf.getBackend(), error)) return false;
    this.deviceLost(`reading a result back from the GPU failed (${error instanceof Error ? error.message : String(error)})`);
    return true;
  }

  deviceLost(message: string): void {
    if (this.lost) return;
    this.lost = true;
    this.host.stopAll();
    this.host.post({ type: 'deviceLost', runId: null, step: 0, backend: tf.getBackend() ?? 'none', message });
  }

  memory(): MemoryReport {
    const info = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
    const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;
    return {
      numTensors: info.numTensors,
      numBytes: info.numBytes,
      numBytesInGPU: typeof info.numBytesInGPU === 'number' ? info.numBytesInGPU : null,
      jsHeapBytes: typeof heap === 'number' ? heap : null,
      backend: tf.getBackend() ?? 'none',
    };
  }

  /** Handled on arrival, outside the worker's serial queue (a hung queue must not hide a fault). */
  handle(message: FaultToWorker): void {
    if (message.type === 'reportMemory') {
      this.host.post({ type: 'memoryReport', runId: null, step: 0, memory: this.memory() });
      return;
    }
    switch (message.fault) {
      case 'deviceLost':
        this.deviceLost('the GPU device was lost (simulated by the test hooks)');
        return;
      case 'crash':
        // An uncaught error, thrown from a task of its own as a real bug would be.
        setTimeout(() => {
          throw new Error('simulated worker crash');
        });
        return;
      case 'hang':
        // Stops answering for good: no heartbeat, no message; only the page's watchdog can notice.
        setTimeout(() => {
          for (;;) {
            // spin
          }
        });
        return;
    }
  }
}
