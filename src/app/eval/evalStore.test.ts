import { describe, expect, it } from 'vitest';
import { sampleResults } from '../../eval/clusters.testing';
import type { FromWorker } from '../../protocol';
import { initialEvalState, latestEval, reduceEval, runningFraction } from './evalStore';

const progress = (runId: string, phase: string, done: number): FromWorker => ({
  type: 'evalProgress',
  runId,
  step: 10,
  phase,
  done,
  total: 100,
});
const result = (runId: string, step: number, acc: number): FromWorker => ({
  type: 'evalResult',
  runId,
  step,
  results: sampleResults({ linearAcc: acc }),
});

describe('reduceEval', () => {
  it('tracks a run from queued through running to its result', () => {
    let s = reduceEval(initialEvalState(), progress('a', 'queued', 0));
    expect(runningFraction(s)).toBeNull();
    s = reduceEval(s, progress('a', 'train features', 25));
    expect(runningFraction(s)).toMatchObject({ runId: 'a', fraction: 0.25 });
    s = reduceEval(s, result('a', 10, 0.3));
    expect(s.active).toEqual({});
    expect(latestEval(s, 'a')?.results.linearAcc).toBe(0.3);
  });

  it('keeps history in step order and replaces a repeated step', () => {
    let s = initialEvalState();
    for (const [step, acc] of [
      [20, 0.2],
      [10, 0.1],
      [20, 0.25],
    ] as const)
      s = reduceEval(s, result('a', step, acc));
    expect(s.history.a.map((r) => [r.step, r.results.linearAcc])).toEqual([
      [10, 0.1],
      [20, 0.25],
    ]);
    expect(latestEval(s, 'a')?.step).toBe(20);
    expect(latestEval(s, 'b')).toBeNull();
  });

  it('a stop clears the activity and says why; a deleted run loses its results', () => {
    let s = reduceEval(initialEvalState(), progress('a', 'kNN', 90));
    s = reduceEval(s, { type: 'evalStopped', runId: 'a', step: 10, reason: 'failed', message: 'boom' });
    expect(s.active).toEqual({});
    expect(s.notice).toEqual({ kind: 'error', text: 'boom' });
    s = reduceEval(s, result('a', 10, 0.5));
    s = reduceEval(s, { type: 'runDeleted', runId: 'a', step: 0 });
    expect(s.history).toEqual({});
  });

  it('leaves the state untouched for other events', () => {
    const s = initialEvalState();
    expect(reduceEval(s, { type: 'error', runId: null, step: 0, message: 'x' })).toBe(s);
  });
});
