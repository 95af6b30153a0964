import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../config';
import type { EvalResults } from '../../eval/evalTypes';
import { initialEvalState, reduceEval } from './evalStore';
import { formatMetric, tableRows, tradeoffPoints } from './evalView';
import type { RunView } from '../training/runView';

function run(id: string, color: string): RunView {
  const config = presetConfig('tiny');
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
    forkedFrom: null,
  };
}

function results(linearAcc: number | null, feature: number): EvalResults {
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
    sizes: { train: 1, test: 1, ood: 1, labelledTrain: 1, labelledTest: 1 },
    needsLabels: linearAcc === null ? 'needs labels' : null,
    probe: null,
    seconds: 1,
  };
}

describe('tradeoffPoints', () => {
  const runs = [run('a', '#111'), run('b', '#222'), run('c', '#333')];
  let evals = initialEvalState();
  evals = reduceEval(evals, { type: 'evalResult', runId: 'a', step: 5, results: results(0.2, 0.9) });
  evals = reduceEval(evals, { type: 'evalResult', runId: 'a', step: 9, results: results(0.4, 0.8) });
  evals = reduceEval(evals, { type: 'evalResult', runId: 'c', step: 9, results: results(null, 0.7) });

  it('one point per run with a latest labelled result, in its colour, on the chosen score', () => {
    expect(tradeoffPoints(runs, evals, 'oodAurocFeature')).toEqual([{ runId: 'a', color: '#111', step: 9, x: 0.4, y: 0.8 }]);
    expect(tradeoffPoints(runs, evals, 'oodAurocBpd')[0].y).toBe(0.3);
  });

  it('the table lists every run, evaluated or not', () => {
    expect(tableRows(runs, evals).map((r) => [r.run.id, r.record?.step ?? null])).toEqual([
      ['a', 9],
      ['b', null],
      ['c', 9],
    ]);
  });
});

describe('formatMetric', () => {
  it('formats numbers, dashes missing values and names NaN', () => {
    expect(formatMetric(0.12345)).toBe('0.123');
    expect(formatMetric(null)).toBe('–');
    expect(formatMetric(Number.NaN)).toBe('NaN');
  });
});
