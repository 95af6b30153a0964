// Every message between the UI thread and the training worker: one discriminated union per direction.
// This module only assembles: the types it names live in the modules below it, which never import it
// back. The worker's message table (worker/messageTable.ts) has one handler per ToWorker type.

import type { BackendName, BackendRequest, HyperParams, RunConfig } from './config';
import type { KernelDecision } from './model/webgpu/kernelTypes';
import type { ClassThumbnails, DatasetSource, DatasetSummary, OodSource } from './data/datasetTypes';
import type { BaselineRecord, EvalSettings, OodSetInfo } from './eval/evalTypes';
import type { PersistFromWorker, PersistToWorker } from './persist/messages';
import type { EventBase, HistoryEvent, RunStatus } from './runTypes';
import type { EmbeddingFrame, ProbeSetPayload, SampleGrid, UmapParams, UmapState, ViewSettings } from './viewTypes';
import type { FaultFromWorker, FaultToWorker } from './worker/faultMessages';

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
  // A fork copies the parent's weights, optimiser state, data position and step.
  | { type: 'forkRun'; runId: string; parentId: string }
  | { type: 'setViews'; runId: string | null; settings: ViewSettings }
  | { type: 'refreshView'; runId: string; view: 'embedding' | 'samples' }
  | { type: 'runUmap'; runId: string; params: UmapParams }
  | { type: 'cancelUmap'; runId: string }
  // Evaluations queue on the device lock, between training steps.
  | { type: 'runEval'; runIds: string[] }
  | { type: 'cancelEval'; runId: string | null }
  | { type: 'setEvalSettings'; settings: Partial<EvalSettings> }
  | { type: 'setOodSource'; source: OodSource }
  // Storage, restore on reload, run export and import: persist/messages.ts.
  | PersistToWorker
  // Heartbeat, lost device, divergence, memory figures, test-only fault simulation: worker/faultMessages.ts.
  | FaultToWorker;

export type ToWorkerType = ToWorker['type'];

export type FromWorker =
  | HistoryEvent
  | (EventBase &
      (
        | {
            type: 'ready';
            backend: BackendName;
            reason: string;
            adapter: string | null;
            /**
             * webgpu only (null elsewhere): per fused op, whether its kernel runs on this device or the op
             * falls back to its tfjs-op path, and why (model/webgpu/support.ts).
             */
            kernels?: KernelDecision[] | null;
          }
        // webgpu: a fused op fell back to its tfjs-op path for a run's shapes after 'ready'; every decision again.
        | { type: 'kernels'; kernels: KernelDecision[] }
        | { type: 'datasetProgress'; phase: string; done: number; total: number }
        | { type: 'datasetReady'; summary: DatasetSummary }
        // A cancelled or failed import: the previous dataset and runs are kept, and `message` says so.
        | { type: 'datasetStopped'; reason: 'cancelled' | 'failed'; message: string }
        | { type: 'datasetThumbnails'; thumbnails: ClassThumbnails }
        | { type: 'runCreated'; config: RunConfig; forkedFrom?: { runId: string; step: number } }
        | { type: 'runDeleted' }
        | { type: 'runStatus'; status: RunStatus }
        | { type: 'error'; message: string }
        | { type: 'probeSet'; probe: ProbeSetPayload }
        | { type: 'embedding'; frame: EmbeddingFrame }
        | { type: 'umapProgress'; state: UmapState; done: number; total: number; message: string | null }
        | { type: 'samples'; grid: SampleGrid }
        | { type: 'evalProgress'; phase: string; done: number; total: number }
        | { type: 'evalStopped'; reason: 'cancelled' | 'failed'; message: string }
        | { type: 'evalSettings'; settings: EvalSettings }
        // Every baseline of the current evaluation context (empty after a new dataset or new settings).
        | { type: 'evalBaselines'; baselines: BaselineRecord[] }
        | { type: 'oodSet'; info: OodSetInfo }
        | PersistFromWorker
        | FaultFromWorker
      ));

export type FromWorkerType = FromWorker['type'];
