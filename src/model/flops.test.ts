import { describe, expect, it } from 'vitest';
import { presetConfig } from '../config';
import { matmulFlopsPerStep } from './flops';

describe('matmulFlopsPerStep', () => {
  it('matches a hand count on a one-block model', () => {
    // S=4, P=2 → N=4, T=5, D=12; d=8, one encoder block, no decoder, M=1, projDim=4, B=2.
    const m = { imageSize: 4, patch: 2, dim: 8, heads: 2, encLayers: 1, decLayers: 0, mixtures: 1, projDim: 4 };
    const embed = 2 * 4 * 12 * 8;
    const block = 2 * 5 * 8 * 24 + 2 * 25 * 8 * 2 + 2 * 5 * 8 * 8 + 2 * 5 * 8 * 32 * 2;
    const gen = 2 * 4 * 8 * 36;
    const con = 2 * 8 * 8 + 2 * 8 * 4;
    const forward = 2 * (embed + block + gen) + 2 * 2 * (embed + block + con) + 2 * 16 * 4;
    expect(matmulFlopsPerStep(m, 2)).toBe(3 * forward);
  });

  it('grows with the preset and roughly linearly with the batch', () => {
    const small = presetConfig('small').model;
    const large = presetConfig('large').model;
    expect(matmulFlopsPerStep(large, 64)).toBeGreaterThan(matmulFlopsPerStep(small, 64));
    const ratio = matmulFlopsPerStep(small, 128) / matmulFlopsPerStep(small, 64);
    expect(ratio).toBeGreaterThan(1.99);
    expect(ratio).toBeLessThan(2.01);
  });
});
