// The evaluation suite's actions: what the Evaluation panel and the OOD file input may ask
// of the worker. The connection spreads these into its actions; nothing else posts eval messages.

import { BUILTIN_OOD_URL } from '../common/builtinData';
import type { EvalSettings } from '../../eval/evalTypes';
import type { OodSource } from '../../data/datasetTypes';
import type { ToWorker } from '../../protocol';
import type { TrainerStore } from '../training/trainerStore';

export interface EvalActions {
  /** Evaluates every run (each on the weights of the step it has when its turn comes). */
  runEval(): void;
  /** Cancels every queued and running evaluation. */
  cancelEval(): void;
  setEvalSettings(patch: Partial<EvalSettings>): void;
  /** Uses these files (images, zips, folders) as the natural-image OOD set; an empty list restores the built-in one. */
  setOodFiles(files: File[]): void;
}

/** The built-in OOD set: notMNIST letters, far from CIFAR-10's photos (and from digits). */
export const BUILTIN_OOD: OodSource = {
  kind: 'url',
  name: 'notMNIST letters (built-in, 1,000)',
  url: BUILTIN_OOD_URL,
};

export function createEvalActions(post: (message: ToWorker) => void, store: TrainerStore): EvalActions {
  return {
    runEval: () => {
      const runIds = store.getSnapshot().runs.map((run) => run.id);
      if (runIds.length > 0) post({ type: 'runEval', runIds });
    },
    cancelEval: () => post({ type: 'cancelEval', runId: null }),
    setEvalSettings: (patch) => post({ type: 'setEvalSettings', settings: patch }),
    setOodFiles: (files) => post({ type: 'setOodSource', source: files.length > 0 ? { kind: 'files', files } : BUILTIN_OOD }),
  };
}
