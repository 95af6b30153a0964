// Every message between the UI thread and the training worker. One discriminated union per direction;
// the worker and useTrainer switch on `type`, and TypeScript checks that every case is handled.

import type { BackendName, BackendRequest, HyperParams, RunConfig } from './config';
import type { EmbeddingFrame, ProbeSetPayload, SampleGrid, UmapParams, UmapState, ViewSettings } from './viewTypes';
import type { EvalResults, EvalSettings, OodSetInfo } from './eval/evalTypes';
import type { ClassThumbnails } from './data/thumbnails';
import type { PersistFromWorker, PersistToWorker } from './persist/messages';
import type { FaultFromWorker, FaultToWorker } from './worker/faultMessages';

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
  // paths[i], when given, is files[i]'s path under the dataset root: a dropped folder's files carry no
  // webkitRelativePath, only the entry path found while walking the folder.
  | { kind: 'files'; files: File[]; paths?: string[] }
  // A dataset kept in IndexedDB (issue 6), decoded once and reloaded without re-importing.
  | { kind: 'stored'; id: string; name: string };

/** The natural-image OOD set (issue 5): the built-in one by URL, or the user's files. */
export type OodSource = { kind: 'url'; name: string; url: string } | { kind: 'files'; files: File[] };

export type ToWorker =
  | { type: 'init'; backend: BackendRequest }
  | { type: 'loadDataset'; source: DatasetSource; imageSize: number }
  // Handled outside the serial queue, which the import it cancels is holding.
  | { type: 'cancelImport' }
  | { type: 'createRun'; runId: string; config: RunConfig }
  | { type: 'start'; runId: string }
  | { type: 'pause'; runId: string }
  | { type: 'step'; runId: string }
  | { type: 'setHyper'; runId: string; hyper: Partial<HyperParams> }
  | { type: 'deleteRun'; runId: string }
  // Live views (issue 4): a fork copies the parent's weights, optimiser state, data position and step.
  | { type: 'forkRun'; runId: string; parentId: string }
  | { type: 'setViews'; runId: string | null; settings: ViewSettings }
  | { type: 'refreshView'; runId: string; view: 'embedding' | 'samples' }
  | { type: 'runUmap'; runId: string; params: UmapParams }
  | { type: 'cancelUmap'; runId: string }
  // Evaluation suite (issue 5): runs queue on the device lock, between training steps.
  | { type: 'runEval'; runIds: string[] }
  | { type: 'cancelEval'; runId: string | null }
  | { type: 'setEvalSettings'; settings: Partial<EvalSettings> }
  | { type: 'setOodSource'; source: OodSource }
  // Storage, restore on reload, run export and import (issue 6): persist/messages.ts.
  | PersistToWorker
  // Heartbeat, lost device, divergence, memory figures, test-only fault simulation (issue 7).
  | FaultToWorker;

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
    // A cancelled or failed import: the previous dataset and runs are kept, and `message` says so.
    | { type: 'datasetStopped'; reason: 'cancelled' | 'failed'; message: string }
    | { type: 'datasetThumbnails'; thumbnails: ClassThumbnails }
    | { type: 'runCreated'; config: RunConfig; forkedFrom?: { runId: string; step: number } }
    | { type: 'runDeleted' }
    | { type: 'runStatus'; status: RunStatus }
    | { type: 'metrics'; metrics: StepMetrics; hyper: HyperParams }
    | { type: 'error'; message: string }
    | { type: 'probeSet'; probe: ProbeSetPayload }
    | { type: 'embedding'; frame: EmbeddingFrame }
    | { type: 'umapProgress'; state: UmapState; done: number; total: number; message: string | null }
    | { type: 'samples'; grid: SampleGrid }
    | { type: 'evalProgress'; phase: string; done: number; total: number }
    | { type: 'evalResult'; results: EvalResults }
    | { type: 'evalStopped'; reason: 'cancelled' | 'failed'; message: string }
    | { type: 'evalSettings'; settings: EvalSettings }
    | { type: 'oodSet'; info: OodSetInfo }
    | PersistFromWorker
    | FaultFromWorker
  );

export type FromWorkerType = FromWorker['type'];
