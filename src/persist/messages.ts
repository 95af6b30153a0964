// The messages of persistence, joined into protocol.ts's unions: storage, restore on reload,
// run export and import. Type-only; the worker side is worker/persistService.ts, the UI side app/persist/.

import type { HyperParams, RunConfig } from '../config';
import type { HistoryEvent, RunStatus } from '../runTypes';

/** Where the built-in dataset is fetched from (the UI knows its URLs). */
export interface BuiltinSource {
  kind: 'url';
  name: string;
  trainUrl: string;
  testUrl: string;
}

export type StorageCommand =
  | { kind: 'refresh' }
  | { kind: 'deleteRun'; runId: string }
  | { kind: 'deleteDataset'; datasetId: string }
  | { kind: 'setCheckpointEvery'; steps: number };

export type PersistToWorker =
  /** Sent once the backend is ready, instead of loading the built-in dataset directly. */
  | { type: 'restoreSession'; builtin: BuiltinSource; imageSize: number }
  | { type: 'exportRun'; runId: string }
  /** `runId` is the id the imported run will get; `bytes` is transferred. */
  | { type: 'importRun'; runId: string; fileName: string; bytes: Uint8Array }
  | { type: 'storage'; command: StorageCommand };

export interface StoredRunInfo {
  id: string;
  /** Step of the newest checkpoint. */
  step: number;
  points: number;
  preset: string;
  datasetName: string;
  /** False when the run's dataset is not the one loaded, so it stays in storage only. */
  loaded: boolean;
  savedAt: number;
  bytes: number;
}

export interface StoredDatasetInfo {
  id: string;
  name: string;
  images: number;
  imageSize: number;
  bytes: number;
  active: boolean;
  savedAt: number;
}

export interface StorageInfo {
  /** False when IndexedDB cannot be used here; `reason` says why and nothing is saved. */
  available: boolean;
  reason: string | null;
  checkpointEvery: number;
  runs: StoredRunInfo[];
  datasets: StoredDatasetInfo[];
  /** The last failed write, kept until a later write succeeds. */
  lastError: string | null;
}

export type PersistFromWorker =
  /** A run rebuilt from a checkpoint (reload) or an imported bundle, with its history to replay. */
  | {
      type: 'runRestored';
      origin: 'checkpoint' | 'import';
      config: RunConfig;
      forkedFrom: { runId: string; step: number } | null;
      hyper: HyperParams;
      status: RunStatus;
      history: HistoryEvent[];
      message: string;
    }
  /** Restore is over: `runs` came back; the UI creates a first run when there are none. */
  | { type: 'sessionRestored'; runs: number }
  /** `bytes` (transferred) is the zip for the UI to offer as a download. */
  | { type: 'runExported'; fileName: string; bytes: Uint8Array; notes: string[] }
  | { type: 'storageInfo'; info: StorageInfo };

export const DEFAULT_CHECKPOINT_EVERY = 50;
/** The largest run bundle read; the UI checks it before reading a file, the worker again after. */
export const MAX_BUNDLE_BYTES = 1024 * 1024 * 1024;
export const CHECKPOINT_EVERY_LIMITS = { min: 1, max: 100_000 } as const;
