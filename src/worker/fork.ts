// "Fork": a new run that continues from another run's current step with everything that
// decides its future copied exactly (weights, AdamW moments and step counts, step counter, data
// position, hyperparameters). Only what the person changes afterwards (the sliders) then differs,
// so the two curves separate because of the loss weights and nothing else: the child draws the same
// next batch and, since augmentations are seeded by (seed, step), the same views.

import type { ImageSet } from '../data/store';
import { MAX_RUNS } from '../runPresets';
import { deviceLock } from './deviceLock';
import { TrainingRun } from './run';

/** Copies `parent` into a new run `childId`. Runs under the device lock so no step lands mid-copy. */
export async function forkRun(parent: TrainingRun, childId: string, train: ImageSet): Promise<TrainingRun> {
  return deviceLock.run(async () => {
    const checkpoint = await parent.exportCheckpoint();
    const child = new TrainingRun(childId, { ...parent.config, hyper: checkpoint.hyper }, train);
    try {
      child.importCheckpoint(checkpoint);
    } catch (error) {
      child.dispose();
      throw error;
    }
    return child;
  });
}

/** Refuses a fifth run or a reused id with a reason the UI can show. */
export function checkRoom(runs: ReadonlyMap<string, unknown>, runId: string): void {
  if (runs.has(runId)) throw new Error(`a run named ${runId} already exists`);
  if (runs.size >= MAX_RUNS) throw new Error(`at most ${MAX_RUNS} runs train side by side; delete one first`);
}
