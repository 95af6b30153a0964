// Fixtures of the Evaluation panel's unit tests: runs and results with chosen numbers.
// (Not a test file itself; imported by the *.test.ts files next to it.)

import { presetConfig } from '../../config';
import { untrainedBaselineId } from '../../eval/baselines';
import type { BaselineRecord, EvalResults } from '../../eval/evalTypes';
import type { RunView } from '../training/runView';

export function runView(id: string, color: string, seed = 1, forkedFrom: RunView['forkedFrom'] = null): RunView {
  const config = presetConfig('tiny', seed);
  return {
    id,
    config,
    status: 'idle',
    step: 0,
    hyper: config.hyper,
    history: [],
    hyperChanges: [],
    lastHyperUsed: null,
    color,
    forkedFrom,
  };
}

/** Results on 500 labelled test images and 500 OOD images, so the standard errors are known. */
export function evalResults(linearAcc: number | null, feature: number, overrides: Partial<EvalResults> = {}): EvalResults {
  return {
    linearAcc,
    knnAcc: null,
    oodAurocBpd: 0.3,
    oodAurocFeature: feature,
    corruptionAcc: null,
    corruptionRatio: null,
    corruptions: [],
    ece: null,
    testBpd: 5,
    oodParts: [],
    ood: { name: 'x', origin: 'builtin', state: 'ready', imageCount: 1, skipped: 0, error: null },
    sizes: { train: 1000, test: 500, ood: 500, labelledTrain: 1000, labelledTest: 500 },
    needsLabels: linearAcc === null ? 'needs labels' : null,
    probe: null,
    seconds: 1,
    ...overrides,
  };
}

export function untrainedRecord(seed: number, results: EvalResults): BaselineRecord {
  const config = presetConfig('tiny', seed);
  return { id: untrainedBaselineId(config), kind: 'untrained', label: `untrained ${seed}`, results };
}

export function pixelsRecord(results: EvalResults): BaselineRecord {
  return { id: 'pixels', kind: 'pixels', label: 'raw pixels', results };
}
