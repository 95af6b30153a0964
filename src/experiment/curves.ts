// A run's per-step training figures reduced for the experiment's result: the mean of the last steps,
// and the curve averaged over buckets of steps so thousands of steps stay small. Pure.

import type { LossCurve, TrainingTail } from './types';

/** Training figures are averaged over this many final steps. */
const TAIL_STEPS = 20;
/** Points per loss curve in the saved result (each the mean of a bucket of steps). */
const CURVE_POINTS = 200;

function mean(values: number[]): number {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : Number.NaN;
}

/** Per-step figures averaged over consecutive buckets; each point is a bucket's mean at its last step. */
export function bucketCurve(history: readonly TrainingTail[], points = CURVE_POINTS): LossCurve {
  const size = Math.max(1, Math.ceil(history.length / points));
  const curve: LossCurve = { steps: [], bitsPerDim: [], lossCon: [] };
  for (let start = 0; start < history.length; start += size) {
    const bucket = history.slice(start, start + size);
    curve.steps.push(bucket[bucket.length - 1].steps);
    curve.bitsPerDim.push(mean(bucket.map((t) => t.bitsPerDim)));
    curve.lossCon.push(mean(bucket.map((t) => t.lossCon)));
  }
  return curve;
}

/** The mean of each figure over the last TAIL_STEPS steps; `steps` says how many there were. */
export function tailOf(history: readonly TrainingTail[]): TrainingTail {
  const tail = history.slice(-TAIL_STEPS);
  return {
    steps: tail.length,
    lossTotal: mean(tail.map((t) => t.lossTotal)),
    lossCon: mean(tail.map((t) => t.lossCon)),
    bitsPerDim: mean(tail.map((t) => t.bitsPerDim)),
    conTop1: mean(tail.map((t) => t.conTop1)),
    msPerStep: mean(tail.map((t) => t.msPerStep)),
  };
}
