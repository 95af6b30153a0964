import { describe, expect, it } from 'vitest';
import type { EvalResults } from '../eval/evalTypes';
import { formatExperimentTable } from './table';
import type { ExperimentResult, ExperimentRow } from './types';

function row(weighting: ExperimentRow['weighting'], linearAcc: number, lossCon: number): ExperimentRow {
  const results: EvalResults = {
    linearAcc,
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
    sizes: { train: 1, test: 1, ood: 1, labelledTrain: 1, labelledTest: 1 },
    needsLabels: null,
    probe: null,
    seconds: 1,
  };
  return {
    runId: `run-${weighting}`,
    weighting,
    lambdaCon: weighting === 'generative' ? 0 : 1,
    lambdaGen: weighting === 'contrastive' ? 0 : 1,
    steps: 10,
    training: { steps: 10, lossTotal: 1, lossCon, bitsPerDim: 7.5, conTop1: 0.5, msPerStep: 100 },
    results,
  };
}

describe('formatExperimentTable', () => {
  const result = { rows: [row('generative', 0.3, Number.NaN), row('contrastive', 0.35, 3)] } as ExperimentResult;

  it('one aligned line per run under a header and a rule, then the per-part AUROCs', () => {
    const lines = formatExperimentTable(result).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^weighting\s+λcon\s+λgen\s+steps\s+linear/);
    expect(lines[1]).toMatch(/^-+\s+-+/);
    expect(new Set(lines.slice(0, 4).map((l) => l.length)).size).toBe(1);
    expect(lines[2]).toMatch(/^generative\s+0\s+1\s+10\s+0\.300\s+0\.250/);
    expect(lines[2]).toMatch(/NaN$/);
    expect(lines[3]).toMatch(/3$/);
    expect(lines[4]).toBe('OOD AUROC bpd/feat vs letters: generative 0.125/0.875 · contrastive 0.125/0.875');
  });
});
