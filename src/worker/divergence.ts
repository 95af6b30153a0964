// What happens to a run whose loss went NaN or infinite. The scheduler has already paused it;
// here it goes back to its last good checkpoint (the newest one saved, which persist only writes when
// the step's loss was finite and every weight is finite) and the page is offered a lower learning rate.
// Other runs are not touched: they keep training while this one waits under the device lock.

import type { HyperParams } from '../config';
import type { FromWorker } from '../protocol';
import type { RunCheckpoint, TrainingRun } from './run';
import { deviceLock } from './deviceLock';

export interface DivergenceHost {
  readonly runs: ReadonlyMap<string, TrainingRun>;
  /** The newest saved checkpoint of the run, after pending writes; null when nothing is saved. */
  lastGood(runId: string): Promise<{ step: number; checkpoint: RunCheckpoint } | null>;
  /** Drops the run's recorded history after `step`: those steps will be trained again. */
  forgetAfter(runId: string, step: number): void;
  emit(event: FromWorker): void;
}

/** True when every value is finite: a checkpoint with one NaN weight would diverge again at once. */
export function isFiniteCheckpoint(checkpoint: RunCheckpoint): boolean {
  for (const named of [...checkpoint.trainer.weights, ...checkpoint.trainer.optimizer]) {
    const values = named.values;
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  }
  return true;
}

/** A tenth of the diverged step's rate, rounded to 2 significant digits so the slider shows it. */
export function lowerLearningRate(lr: number): number {
  return Number((lr / 10).toPrecision(2));
}

function fmt(lr: number): string {
  return Number(lr.toPrecision(2)).toString();
}

/** Puts `run` back at its last good checkpoint and tells the page; `hyper` is what the bad step used. */
export async function rewindDiverged(
  host: DivergenceHost,
  run: TrainingRun,
  divergedAt: number,
  loss: number,
  hyper: HyperParams,
): Promise<void> {
  const suggestedLr = lowerLearningRate(hyper.lr);
  const what = `${run.id} diverged at step ${divergedAt} (loss ${loss}) with learning rate ${fmt(hyper.lr)}`;
  const saved = await host.lastGood(run.id);
  if (!saved || !isFiniteCheckpoint(saved.checkpoint)) {
    host.emit({
      type: 'error',
      runId: run.id,
      step: run.step,
      message: `${what}; paused. No good checkpoint is saved to go back to: start a new run with a lower learning rate.`,
    });
    return;
  }
  const restored = await deviceLock.run(async () => {
    // Deleted meanwhile, or resumed by the person (who then chose to go on from here).
    if (host.runs.get(run.id) !== run || run.status === 'training') return false;
    run.importCheckpoint(saved.checkpoint);
    return true;
  });
  if (!restored) return;
  host.forgetAfter(run.id, saved.step);
  host.emit({
    type: 'runRewound',
    runId: run.id,
    step: run.step,
    divergedAt,
    hyper: run.currentHyper,
    suggestedLr,
    message: `${what}; paused and restored to its last good checkpoint at step ${saved.step}. Try a lower learning rate.`,
  });
}
