// Fixtures of the experiment's unit tests: evaluation results and rows with chosen numbers.
// (Not a test file itself; imported by the *.test.ts files next to it.)

import type { BaselineRecord, EvalResults } from '../eval/evalTypes';
import type { RunPresetName } from '../runPresets';
import type { ExperimentRow, SeedResult } from './types';

export function results(overrides: Partial<EvalResults> = {}): EvalResults {
  return {
    linearAcc: 0.4,
    knnAcc: 0.25,
    oodAurocBpd: 0.5,
    oodAurocFeature: 0.75,
    corruptionAcc: 0.2,
    corruptionRatio: 0.8,
    corruptions: [],
    ece: 0.05,
    testBpd: 7.25,
    oodParts: [{ name: 'letters', count: 10, aurocBpd: 0.125, aurocFeature: 0.875 }],
    ood: { name: 'letters', origin: 'builtin', state: 'ready', imageCount: 10, skipped: 0, error: null },
    sizes: { train: 1000, test: 500, ood: 500, labelledTrain: 1000, labelledTest: 500 },
    needsLabels: null,
    probe: null,
    seconds: 1,
    ...overrides,
  };
}

export function row(weighting: RunPresetName, overrides: Partial<EvalResults> = {}, lossCon = 3): ExperimentRow {
  const r = results(overrides);
  return {
    runId: `run-${weighting}`,
    weighting,
    lambdaCon: weighting === 'generative' ? 0 : 1,
    lambdaGen: weighting === 'contrastive' ? 0 : 1,
    steps: 10,
    training: { steps: 10, lossTotal: 1, lossCon, bitsPerDim: 7.5, conTop1: 0.5, msPerStep: 100 },
    results: r,
    trajectory: [
      { step: 5, results: results({ ...overrides, linearAcc: (r.linearAcc ?? 0) - 0.05 }) },
      { step: 10, results: r },
    ],
    curve: { steps: [5, 10], bitsPerDim: [8, 7.5], lossCon: [lossCon + 1, lossCon] },
  };
}

export function baseline(kind: BaselineRecord['kind'], overrides: Partial<EvalResults> = {}): BaselineRecord {
  return { id: kind === 'pixels' ? 'pixels' : 'untrained:x', kind, label: kind, results: results(overrides) };
}

/** One seed of the three weightings with the given linear-probe accuracies, ECEs and test bits/dim. */
export function seedResult(
  seed: number,
  linear: [number, number, number],
  ece: [number, number, number],
  bpd: [number, number, number],
): SeedResult {
  const names: RunPresetName[] = ['generative', 'hybrid', 'contrastive'];
  return {
    seed,
    rows: names.map((w, i) => row(w, { linearAcc: linear[i], ece: ece[i], testBpd: bpd[i] })),
    baselines: [
      baseline('untrained', { linearAcc: 0.3, testBpd: 9 }),
      baseline('pixels', { linearAcc: 0.35, testBpd: null, oodAurocBpd: null }),
    ],
    trainingSeconds: 10,
    evalSeconds: 5,
  };
}
