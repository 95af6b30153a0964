// Synthetic data for the evaluation tests: Gaussian clusters with known structure and seeded noise.
// (Not a test file itself; imported by the *.test.ts files next to it.)

import { gaussian, mulberry32 } from '../random';
import type { EvalResults } from './evalTypes';

export interface Clusters {
  features: Float32Array;
  labels: Int32Array;
  n: number;
  d: number;
}

/**
 * `perClass` points around each of `centres` (numClasses×d, row-major) with isotropic noise `noise`;
 * classes interleaved so any prefix is balanced.
 */
export function gaussianClusters(centres: number[][], perClass: number, noise: number, seed: number): Clusters {
  const numClasses = centres.length;
  const d = centres[0].length;
  const n = numClasses * perClass;
  const normal = gaussian(mulberry32(seed));
  const features = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % numClasses;
    labels[i] = c;
    for (let j = 0; j < d; j++) features[i * d + j] = centres[c][j] + noise * normal();
  }
  return { features, labels, n, d };
}

/** `numClasses` centres along scaled coordinate axes of R^d (needs d ≥ numClasses). */
export function axisCentres(numClasses: number, d: number, scale: number): number[][] {
  return Array.from({ length: numClasses }, (_, c) => Array.from({ length: d }, (_, j) => (j === c ? scale : 0)));
}

/** A complete EvalResults with plausible values, for tests of code that stores or shows results. */
export function sampleResults(overrides: Partial<EvalResults> = {}): EvalResults {
  return {
    linearAcc: 0.5,
    knnAcc: 0.5,
    oodAurocBpd: 0.6,
    oodAurocFeature: 0.7,
    corruptionAcc: 0.4,
    corruptionRatio: 0.8,
    corruptions: [],
    ece: 0.05,
    testBpd: 5,
    oodParts: [],
    ood: { name: 'x', origin: 'builtin', state: 'ready', imageCount: 10, skipped: 0, error: null },
    sizes: { train: 1, test: 1, ood: 1, labelledTrain: 1, labelledTest: 1 },
    needsLabels: null,
    probe: null,
    seconds: 1,
    ...overrides,
  };
}
