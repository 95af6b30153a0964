// Builds a training run from saved state: an IndexedDB checkpoint on reload, or an imported bundle.
// The state goes through TrainingRun.importCheckpoint, the same path a fork takes, so a restored run
// continues exactly as the original would have (weights, AdamW moments, step, data position, sliders).

import type { HyperParams, RunConfig } from '../config';
import type { BatcherState } from '../data/batcher';
import type { ImageSet } from '../data/store';
import type { TrainerState } from '../model/trainer';
import { TrainingRun } from './run';

export interface SavedRunState {
  config: RunConfig;
  hyper: HyperParams;
  batcher: BatcherState;
  trainer: TrainerState;
}

/** Throws (and frees what it built) when the state does not fit the config or the image set. */
export function restoreRun(id: string, state: SavedRunState, train: ImageSet): TrainingRun {
  const run = new TrainingRun(id, state.config, train);
  try {
    run.importCheckpoint({ trainer: state.trainer, batcher: state.batcher, hyper: state.hyper });
  } catch (error) {
    run.dispose();
    throw error;
  }
  return run;
}
