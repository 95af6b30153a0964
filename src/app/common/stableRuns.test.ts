import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../config';
import { sameRunHeaders } from './stableRuns';
import type { RunView } from '../training/runView';

function run(id: string): RunView {
  const config = presetConfig('tiny');
  return {
    id,
    config,
    status: 'training',
    step: 3,
    hyper: config.hyper,
    history: [],
    hyperChanges: [],
    lastHyperUsed: null,
    color: '#000',
    forkedFrom: null,
  };
}

describe('sameRunHeaders', () => {
  const a = [run('run-1'), run('run-2')];
  it('ignores the step and the curve', () => {
    const stepped = a.map((r) => ({ ...r, step: r.step + 1, history: [...r.history] }));
    expect(sameRunHeaders(a, stepped)).toBe(true);
  });

  it('sees a changed weight, status, colour, fork, or run list', () => {
    expect(sameRunHeaders(a, [a[0], { ...a[1], hyper: { ...a[1].hyper, lambdaCon: 0 } }])).toBe(false);
    expect(sameRunHeaders(a, [a[0], { ...a[1], status: 'paused' }])).toBe(false);
    expect(sameRunHeaders(a, [a[0], { ...a[1], color: '#fff' }])).toBe(false);
    expect(sameRunHeaders(a, [a[0], { ...a[1], forkedFrom: { runId: 'run-1', step: 3 } }])).toBe(false);
    expect(sameRunHeaders(a, [a[0]])).toBe(false);
  });
});
