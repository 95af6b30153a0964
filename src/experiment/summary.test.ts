import { describe, expect, it } from 'vitest';
import { summariseSeeds, targetChecks } from './summary';
import { seedResult } from './experiment.testing';

describe('summariseSeeds', () => {
  const rows = summariseSeeds({
    seeds: [
      seedResult(1, [0.3, 0.4, 0.35], [0.09, 0.05, 0.06], [6.9, 7.0, 9.0]),
      seedResult(2, [0.34, 0.44, 0.37], [0.07, 0.05, 0.04], [6.9, 6.96, 9.1]),
    ],
  });

  it('baselines first, then the weightings in order', () => {
    expect(rows.map((r) => [r.kind, r.label])).toEqual([
      ['untrained', 'untrained network'],
      ['pixels', 'raw pixels'],
      ['run', 'generative'],
      ['run', 'hybrid'],
      ['run', 'contrastive'],
    ]);
  });

  it('mean and sample sd over seeds, the mean within-seed standard error, the gain over the same seed’s untrained network', () => {
    const hybrid = rows[3];
    expect(hybrid.cells.linearAcc.mean).toBeCloseTo(0.42, 12);
    expect(hybrid.cells.linearAcc.sd).toBeCloseTo(Math.SQRT2 * 0.02, 12);
    // √(0.4·0.6/500) = 0.0219089 and √(0.44·0.56/500) = 0.0221991 → 0.0220540.
    expect(hybrid.cells.linearAcc.se).toBeCloseTo((0.0219089023 + 0.0221990991) / 2, 8);
    expect(hybrid.linearGain?.mean).toBeCloseTo(0.12, 12);
    expect(hybrid.cells.ece.se).toBeNaN(); // no standard error for ECE
    // The pixels have no bits/dim in any seed.
    expect(rows[1].cells.testBpd.n).toBe(0);
  });

  it('checks the targets on the means', () => {
    const checks = targetChecks(rows);
    expect(checks.map((c) => c.met)).toEqual([true, false, true]);
    // ECE: hybrid 0.05, contrastive 0.05 — not strictly lowest.
    expect(checks[1].detail).toBe('hybrid 0.050, generative 0.080, contrastive 0.050');
    expect(checks[2].detail).toBe('hybrid 6.980, generative 6.900 (difference +0.080)');
  });

  it('checks nothing without all three weightings', () => {
    expect(targetChecks(rows.filter((r) => r.label !== 'contrastive'))).toEqual([]);
  });
});
