import { describe, expect, it } from 'vitest';
import { initialEvalState, reduceEval } from './evalStore';
import { baselinePoints, formatMetric, tradeoffSeries } from './evalView';
import { evalResults, pixelsRecord, runView, untrainedRecord } from './evalView.testing';

describe('tradeoffSeries and baselinePoints', () => {
  const runs = [runView('a', '#111'), runView('b', '#222'), runView('c', '#333'), runView('f', '#444', 1, { runId: 'a', step: 5 })];
  let evals = initialEvalState();
  evals = reduceEval(evals, { type: 'evalResult', runId: 'a', step: 5, results: evalResults(0.2, 0.9) });
  evals = reduceEval(evals, { type: 'evalResult', runId: 'a', step: 9, results: evalResults(0.4, 0.8) });
  evals = reduceEval(evals, { type: 'evalResult', runId: 'c', step: 9, results: evalResults(null, 0.7) });
  evals = reduceEval(evals, { type: 'evalResult', runId: 'f', step: 9, results: evalResults(0.3, 0.6) });

  it('one path per run with a labelled latest evaluation, in step order, error bars on the latest point only', () => {
    const series = tradeoffSeries(runs, evals, 'oodAurocFeature');
    expect(series.map((s) => [s.runId, s.color])).toEqual([
      ['a', '#111'],
      ['f', '#444'],
    ]);
    const [a] = series;
    expect(a.points.map((p) => [p.step, p.x, p.y, p.latest])).toEqual([
      [5, 0.2, 0.9, false],
      [9, 0.4, 0.8, true],
    ]);
    expect(a.points[0].ex).toBe(0);
    // 1.96·√(0.4·0.6/500) = 0.0429407
    expect(a.points[1].ex).toBeCloseTo(0.0429407, 6);
    expect(tradeoffSeries(runs, evals, 'oodAurocBpd')[0].points[1].y).toBe(0.3);
  });

  it('a run from scratch starts at its untrained network; a fork does not; the baselines are points', () => {
    const withBaselines = reduceEval(evals, {
      type: 'evalBaselines',
      runId: null,
      step: 0,
      baselines: [untrainedRecord(1, evalResults(0.1, 0.5)), pixelsRecord(evalResults(0.25, 0.7, { oodAurocBpd: null, testBpd: null }))],
    });
    const [a, f] = tradeoffSeries(runs, withBaselines, 'oodAurocFeature');
    expect(a.points.map((p) => [p.step, p.x])).toEqual([
      [0, 0.1],
      [5, 0.2],
      [9, 0.4],
    ]);
    expect(f.points.map((p) => p.step)).toEqual([9]);
    expect(baselinePoints(runs, withBaselines, 'oodAurocFeature').map((p) => [p.kind, p.x, p.y])).toEqual([
      ['untrained', 0.1, 0.5],
      ['pixels', 0.25, 0.7],
    ]);
    // The raw pixels have no bits/dim score.
    expect(baselinePoints(runs, withBaselines, 'oodAurocBpd').map((p) => p.kind)).toEqual(['untrained']);
  });
});

describe('formatMetric', () => {
  it('formats numbers, dashes missing values and names NaN', () => {
    expect(formatMetric(0.12345)).toBe('0.123');
    expect(formatMetric(null)).toBe('–');
    expect(formatMetric(Number.NaN)).toBe('NaN');
  });
});
