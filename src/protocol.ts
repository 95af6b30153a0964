// Every message between the UI thread and the training worker. One discriminated union per direction;
// the worker and useTrainer switch on `type`, and TypeScript checks that every case is handled.

import type { BackendName, BackendRequest, HyperParams, RunConfig } from './config';

export type RunStatus = 'idle' | 'training' | 'paused';

/** Scalars measured at one training step, with the hyperparameters that step actually used. */
export interface StepMetrics {
  lossTotal: number;
  lossCon: number;
  bitsPerDim: number;
  conTop1: number;
  imagesPerSec: number;
  msPerStep: number;
}

export interface SkippedFile {
  name: string;
  reason: string;
}

export interface DatasetSummary {
  name: string;
  trainCount: number;
  testCount: number;
  imageSize: number;
  classNames: string[];
  trainPerClass: number[];
  skipped: SkippedFile[];
}

export type DatasetSource =
  | { kind: 'url'; name: string; trainUrl: string; testUrl: string }
  | { kind: 'files'; files: File[] };

export type ToWorker =
  | { type: 'init'; backend: BackendRequest }
  | { type: 'loadDataset'; source: DatasetSource; imageSize: number }
  | { type: 'createRun'; runId: string; config: RunConfig }
  | { type: 'start'; runId: string }
  | { type: 'pause'; runId: string }
  | { type: 'step'; runId: string }
  | { type: 'setHyper'; runId: string; hyper: Partial<HyperParams> }
  | { type: 'deleteRun'; runId: string };

/** Events that concern no particular run carry runId null and step 0. */
interface EventBase {
  runId: string | null;
  step: number;
}

export type FromWorker = EventBase &
  (
    | { type: 'ready'; backend: BackendName; reason: string; adapter: string | null }
    | { type: 'datasetProgress'; phase: string; done: number; total: number }
    | { type: 'datasetReady'; summary: DatasetSummary }
    | { type: 'runCreated'; config: RunConfig }
    | { type: 'runStatus'; status: RunStatus }
    | { type: 'metrics'; metrics: StepMetrics; hyper: HyperParams }
    | { type: 'error'; message: string }
  );

export type FromWorkerType = FromWorker['type'];
