import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pca, projectPca, stabiliseSigns, symmetricEigen } from './pca';
import { gaussian, mulberry32 } from '../random';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

// A seeded random orthonormal basis of R^d (Gram–Schmidt on Gaussian vectors); rows are the axes.
function randomOrthonormal(d: number, seed: number): number[][] {
  const normal = gaussian(mulberry32(seed));
  const basis: number[][] = [];
  while (basis.length < d) {
    const v = Array.from({ length: d }, () => normal());
    for (const b of basis) {
      const p = v.reduce((s, x, i) => s + x * b[i], 0);
      for (let i = 0; i < d; i++) v[i] -= p * b[i];
    }
    const norm = Math.hypot(...v);
    basis.push(v.map((x) => x / norm));
  }
  return basis;
}

// Data with an exactly known sample covariance: latent points on the 2^d corners {±s₁}×…×{±s_d}
// (mean 0, uncorrelated, sample variance s_i²·n/(n−1) exactly), rotated onto `axes` and shifted.
function knownData(stds: number[], axes: number[][], offset: number[]) {
  const d = stds.length;
  const n = 2 ** d;
  const features = new Float32Array(n * d);
  for (let p = 0; p < n; p++) {
    for (let i = 0; i < d; i++) {
      const z = ((p >> i) & 1 ? 1 : -1) * stds[i];
      for (let j = 0; j < d; j++) features[p * d + j] += z * axes[i][j];
    }
    for (let j = 0; j < d; j++) features[p * d + j] += offset[j];
  }
  return { features, n, d };
}

describe('symmetricEigen', () => {
  it('solves a 2×2 by hand: [[2, 1], [1, 2]] has eigenvalues 3, 1 with axes (1, ±1)/√2', () => {
    const { values, vectors } = symmetricEigen(new Float64Array([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0] * Math.SQRT1_2 + vectors[1] * Math.SQRT1_2)).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[2] * Math.SQRT1_2 - vectors[3] * Math.SQRT1_2)).toBeCloseTo(1, 12);
  });

  it('reconstructs a random symmetric 30×30 matrix as V Λ Vᵀ with orthonormal V', () => {
    const d = 30;
    const random = mulberry32(3);
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) a[i * d + j] = a[j * d + i] = random() - 0.5;
    const { values, vectors } = symmetricEigen(a, d);
    for (let i = 1; i < d; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let rec = 0;
        let gram = 0;
        for (let k = 0; k < d; k++) {
          rec += vectors[k * d + i] * values[k] * vectors[k * d + j];
          gram += vectors[i * d + k] * vectors[j * d + k];
        }
        expect(rec).toBeCloseTo(a[i * d + j], 10);
        expect(gram).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });
});

describe('pca', () => {
  it('recovers known principal axes, variances and coordinates', async () => {
    const stds = [5, 3, 2, 1, 0.5, 0.25];
    const axes = randomOrthonormal(6, 9);
    const offset = [10, -4, 3, 0, 7, 1];
    const { features, n, d } = knownData(stds, axes, offset);
    const before = tf.memory().numTensors;
    const result = await pca(features, n, d, 3);
    expect(tf.memory().numTensors).toBe(before);
    offset.forEach((o, j) => expect(result.mean[j]).toBeCloseTo(o, 4));
    for (let c = 0; c < 3; c++) {
      expect(result.variances[c]).toBeCloseTo((stds[c] ** 2 * n) / (n - 1), 3);
      const dot = axes[c].reduce((s, v, j) => s + v * result.components[c * d + j], 0);
      expect(Math.abs(dot)).toBeCloseTo(1, 5);
    }
    const total = stds.reduce((s, v) => s + (v * v * n) / (n - 1), 0);
    expect(result.totalVariance).toBeCloseTo(total, 3);
    // Coordinates are the latent corners, up to each component's sign.
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < 3; c++) {
        const z = ((p >> c) & 1 ? 1 : -1) * stds[c];
        expect(Math.abs(result.coords[p * 3 + c])).toBeCloseTo(Math.abs(z), 3);
      }
    }
    // projectPca on the same data reproduces the coordinates.
    const again = projectPca(features, d, result.mean, result.components);
    again.forEach((v, i) => expect(v).toBeCloseTo(result.coords[i], 4));
  });

  it('keeps the frame when given the previous frame with flipped signs', async () => {
    const { features, n, d } = knownData([4, 2, 1], randomOrthonormal(3, 5), [0, 0, 0]);
    const first = await pca(features, n, d, 2);
    const previous = Float32Array.from(first.components, (v, i) => (i < d ? -v : v)); // flip axis 0 only
    const second = await pca(features, n, d, 2, { previousComponents: previous });
    for (let j = 0; j < d; j++) {
      expect(second.components[j]).toBeCloseTo(-first.components[j], 6);
      expect(second.components[d + j]).toBeCloseTo(first.components[d + j], 6);
    }
    for (let p = 0; p < n; p++) {
      expect(second.coords[2 * p]).toBeCloseTo(-first.coords[2 * p], 4);
      expect(second.coords[2 * p + 1]).toBeCloseTo(first.coords[2 * p + 1], 4);
    }
  });
});

describe('stabiliseSigns', () => {
  it('flips exactly the components whose dot product with the previous frame is negative', () => {
    const previous = new Float32Array([1, 0, 0, 0, 1, 0]);
    const current = new Float32Array([-0.9, 0.1, 0.4, 0.1, 0.99, 0]);
    const out = stabiliseSigns(current, previous, 3);
    expect(Array.from(out)).toEqual(Array.from(new Float32Array([0.9, -0.1, -0.4, 0.1, 0.99, 0])));
    expect(Array.from(current)).toEqual(Array.from(new Float32Array([-0.9, 0.1, 0.4, 0.1, 0.99, 0]))); // input untouched
  });
});
