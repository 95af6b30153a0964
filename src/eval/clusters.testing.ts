// Synthetic data for the evaluation tests: Gaussian clusters with known structure and seeded noise.
// (Not a test file itself; imported by the *.test.ts files next to it.)

import { gaussian, mulberry32 } from '../random';

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
