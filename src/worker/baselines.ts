// The reference rows of docs/evaluations.md#baselines inside the worker: the untrained network (a
// run's architecture and seed at step 0) and the raw pixels, evaluated by the same suite on exactly the
// subsets the runs use. Each is computed once per context (dataset, evaluation settings, OOD set) and
// kept; a new context drops them all. The evaluator runs them inside a run's evaluation job, so they
// sit on the device lock like any evaluation.

import type { RunConfig } from '../config';
import { PIXELS_BASELINE_ID, PIXELS_BASELINE_LABEL, untrainedBaselineId, untrainedBaselineLabel } from '../eval/baselines';
import type { BaselineRecord, EvalResults } from '../eval/evalTypes';
import type { EvaluableModel } from '../eval/modelPasses';
import { pixelRepresentation } from '../eval/pixelBaseline';
import { HybridTrainer } from '../model/trainer';

/** Runs the evaluation suite for one model on the current subsets (the evaluator supplies it). */
export type EvaluateModel = (model: EvaluableModel, phase: string) => Promise<EvalResults>;

export class Baselines {
  private context: string | null = null;
  private readonly records = new Map<string, BaselineRecord>();

  constructor(private readonly publish: (baselines: BaselineRecord[]) => void) {}

  /** Forgets every baseline (a new dataset or new evaluation settings) and says so. */
  reset(): void {
    this.context = null;
    if (this.records.size === 0) return;
    this.records.clear();
    this.publish([]);
  }

  /**
   * Makes sure the baselines that `config`'s run is compared with exist for `context`, computing the
   * missing ones with `evaluate`. A failure or cancel propagates: the caller's job fails with it.
   */
  async ensure(config: RunConfig, context: string, evaluate: EvaluateModel): Promise<void> {
    if (context !== this.context) {
      this.reset();
      this.context = context;
    }
    const untrainedId = untrainedBaselineId(config);
    if (!this.records.has(untrainedId)) {
      // The same weights the run had before its first step: the model is drawn from the seed alone.
      const untrained = new HybridTrainer(config.model, config.train);
      try {
        const results = await evaluate(untrained, 'baseline: untrained network');
        this.store({ id: untrainedId, kind: 'untrained', label: untrainedBaselineLabel(config), results }, context);
      } finally {
        untrained.dispose();
      }
    }
    if (!this.records.has(PIXELS_BASELINE_ID)) {
      const results = await evaluate(pixelRepresentation, 'baseline: raw pixels');
      this.store({ id: PIXELS_BASELINE_ID, kind: 'pixels', label: PIXELS_BASELINE_LABEL, results }, context);
    }
  }

  current(): BaselineRecord[] {
    return [...this.records.values()];
  }

  private store(record: BaselineRecord, context: string): void {
    // A reset while this baseline was computed (new settings mid-evaluation) makes it stale: drop it.
    if (context !== this.context) return;
    this.records.set(record.id, record);
    this.publish(this.current());
  }
}
