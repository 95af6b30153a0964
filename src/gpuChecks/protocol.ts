// Messages between the GPU-check page (main.ts) and its worker (worker.ts).
import type { BackendName, PresetName } from '../config';
import type { StepValues } from '../model/readout';
import type { CheckResult } from './compare';

export type CheckRequest =
  | { kind: 'kernels'; only: string[] | null }
  /** The same run on each backend in turn, in this order. */
  | { kind: 'parity'; preset: PresetName; steps: number; backends: BackendName[]; batch?: number; referenceOps?: boolean | string[] };

export type FromChecks =
  | { type: 'progress'; message: string }
  | { type: 'kernels'; results: CheckResult[]; adapter: string | null }
  | { type: 'parity'; runs: { backend: BackendName; steps: StepValues[]; seconds: number }[] }
  | { type: 'error'; message: string };
