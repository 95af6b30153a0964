import { describe, expect, it } from 'vitest';
import { comparisonRows, gainOverUntrained, intervalOf, winnerOf } from './comparison';
import { initialEvalState, reduceEval, type EvalState } from './evalStore';
import { evalResults, pixelsRecord, runView, untrainedRecord } from './evalView.testing';

function state(): EvalState {
  let s = initialEvalState();
  s = reduceEval(s, { type: 'evalResult', runId: 'a', step: 9, results: evalResults(0.4, 0.8) });
  s = reduceEval(s, { type: 'evalResult', runId: 'b', step: 9, results: evalResults(0.33, 0.82) });
  return s;
}

describe('comparisonRows', () => {
  it('baseline rows first and before they are evaluated (one untrained row per seed), then every run', () => {
    const runs = [runView('a', '#111'), runView('b', '#222'), runView('c', '#333', 2)];
    const rows = comparisonRows(runs, state());
    expect(rows.map((r) => [r.kind, r.step])).toEqual([
      ['untrained', null],
      ['untrained', null],
      ['pixels', null],
      ['run', 9],
      ['run', 9],
      ['run', null],
    ]);
  });

  it('fills the baselines from the worker and hands each run its own untrained network', () => {
    const runs = [runView('a', '#111'), runView('c', '#333', 2)];
    const s = reduceEval(state(), {
      type: 'evalBaselines',
      runId: null,
      step: 0,
      baselines: [
        untrainedRecord(1, evalResults(0.3, 0.6)),
        untrainedRecord(2, evalResults(0.28, 0.6)),
        pixelsRecord(evalResults(0.32, 0.7)),
      ],
    });
    const rows = comparisonRows(runs, s);
    expect(rows.slice(0, 3).map((r) => [r.kind, r.step, r.results?.linearAcc])).toEqual([
      ['untrained', 0, 0.3],
      ['untrained', 0, 0.28],
      ['pixels', 0, 0.32],
    ]);
    expect(rows[3].untrained?.linearAcc).toBe(0.3);
    expect(rows[4].untrained?.linearAcc).toBe(0.28);
    // A new context empties them again.
    const cleared = reduceEval(s, { type: 'evalBaselines', runId: null, step: 0, baselines: [] });
    expect(comparisonRows(runs, cleared)[0].results).toBeNull();
  });
});

describe('intervals, gains and wins', () => {
  const s = reduceEval(state(), {
    type: 'evalBaselines',
    runId: null,
    step: 0,
    baselines: [untrainedRecord(1, evalResults(0.3, 0.79)), pixelsRecord(evalResults(0.32, 0.7))],
  });
  const rows = comparisonRows([runView('a', '#111'), runView('b', '#222')], s);
  const [untrained, pixels, a, b] = rows;

  it('the 95% half-width of accuracies and AUROCs, none for ECE or bits/dim', () => {
    expect(intervalOf(a.results, 'linearAcc')).toBeCloseTo(0.0429407, 6);
    // Hanley–McNeil at A = 0.8 with 500 OOD and 500 test images: SE = 0.0139930, × 1.96 = 0.0274258.
    expect(intervalOf(a.results, 'oodAurocFeature')).toBeCloseTo(0.0274258, 6);
    expect(intervalOf(a.results, 'testBpd')).toBeNull();
    expect(intervalOf(null, 'linearAcc')).toBeNull();
  });

  it("a run's gain over its untrained network, significant only beyond chance", () => {
    // 0.40 vs 0.30: 0.1 > 1.96·√(0.00048 + 0.00042) = 0.0588.
    expect(gainOverUntrained(a, 'linearAcc')).toEqual({ delta: expect.closeTo(0.1, 12), significant: true });
    // 0.33 vs 0.30: 0.03 < 0.0578.
    expect(gainOverUntrained(b, 'linearAcc')).toEqual({ delta: expect.closeTo(0.03, 12), significant: false });
    // No interval for bits/dim: the difference alone.
    expect(gainOverUntrained(a, 'testBpd')).toEqual({ delta: 0, significant: null });
    expect(gainOverUntrained(untrained, 'linearAcc')).toBeNull();
    expect(gainOverUntrained(pixels, 'linearAcc')).toBeNull();
  });

  it('a column has a winner only when it beats every other row beyond chance', () => {
    // Linear: 0.40 against 0.33, 0.32, 0.30: the closest gap 0.07 > 0.0584. A win.
    expect(winnerOf(rows, 'linearAcc')).toBe('a');
    // Feature AUROC: 0.82 against 0.80: within chance. No win.
    expect(winnerOf(rows, 'oodAurocFeature')).toBeNull();
    // kNN: nobody has a value.
    expect(winnerOf(rows, 'knnAcc')).toBeNull();
  });
});
