// The messages of fault handling, joined into protocol.ts's unions: the worker's heartbeat,
// a lost device, a diverged run rewound to its last good checkpoint, memory figures, and the test-only
// fault simulations. Type-only; the worker side is faults.ts and divergence.ts, the UI side app/connection/recovery.ts.

import type { HyperParams } from '../config';

/** What the worker holds, for `npm run soak` and the test hooks. */
export interface MemoryReport {
  /** tf.memory().numTensors */
  numTensors: number;
  /** tf.memory().numBytes: bytes of all tensors, wherever they live. */
  numBytes: number;
  /** tf.memory().numBytesInGPU on WebGPU/WebGL; null where the backend keeps no GPU buffers. */
  numBytesInGPU: number | null;
  /** The worker's JS heap (Chromium's performance.memory); null where the browser does not say. */
  jsHeapBytes: number | null;
  backend: string;
}

/** Faults the test hooks can cause; each goes through the same path as the real one. */
export type SimulatedFault = 'deviceLost' | 'crash' | 'hang';

export type FaultToWorker =
  | { type: 'reportMemory' }
  /** Only sent when the page was opened with ?testHooks=1. */
  | { type: 'simulateFault'; fault: SimulatedFault };

export type FaultFromWorker =
  /** Every ~1 s, even while training; `lastStepMs` lets the UI size its timeout to a slow step. */
  | { type: 'heartbeat'; lastStepMs: number }
  /** The GPU device is gone (GPUDevice.lost, or a failed buffer mapping): this worker cannot train on. */
  | { type: 'deviceLost'; backend: string; message: string }
  /**
   * A run whose loss went NaN/inf was put back at its last good checkpoint (`step`), paused.
   * `suggestedLr` is a tenth of the learning rate of the diverged step.
   */
  | { type: 'runRewound'; divergedAt: number; hyper: HyperParams; suggestedLr: number; message: string }
  | { type: 'memoryReport'; memory: MemoryReport };
