// Messages between the GPU-check page (main.ts) and its worker (worker.ts).
import type { CheckResult } from './compare';

export type CheckRequest = { kind: 'kernels'; only: string[] | null };

export type FromChecks =
  | { type: 'progress'; message: string }
  | { type: 'kernels'; results: CheckResult[]; adapter: string | null }
  | { type: 'error'; message: string };
