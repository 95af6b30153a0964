// Fixed, seeded evaluation subsets (docs/evaluations.md#subsets) and the row bookkeeping around them. Every run evaluated
// with the same settings sees exactly the same images in the same order, so differences between runs
// come from the representations, not from which images were drawn.

import type { ImageSet } from '../data/store';
import { seededPermutation } from '../random';

/**
 * Up to `count` images of `set`, drawn without replacement by a seeded permutation and kept in the
 * permutation's order. Copies the pixels (the subset outlives any later change to the dataset).
 */
export function seededSubset(set: ImageSet, count: number, seed: number): ImageSet {
  const n = Math.max(0, Math.min(set.count, Math.floor(count)));
  const per = set.size * set.size * 3;
  const order = seededPermutation(set.count, seed);
  const pixels = new Uint8Array(n * per);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = order[i];
    pixels.set(set.pixels.subarray(src * per, (src + 1) * per), i * per);
    labels[i] = set.labels[src];
  }
  return { size: set.size, count: n, pixels, labels };
}

/** One set holding the images of all `sets` (same size) in order. */
export function concatImageSets(sets: readonly ImageSet[], size: number): ImageSet {
  for (const s of sets) if (s.size !== size) throw new Error(`concatImageSets: a ${s.size}px set among ${size}px sets`);
  const per = size * size * 3;
  const count = sets.reduce((sum, s) => sum + s.count, 0);
  const pixels = new Uint8Array(count * per);
  const labels = new Int32Array(count);
  let at = 0;
  for (const s of sets) {
    pixels.set(s.pixels.subarray(0, s.count * per), at * per);
    labels.set(s.labels.subarray(0, s.count), at);
    at += s.count;
  }
  return { size, count, pixels, labels };
}

/** Indices of the rows whose label is in [0, numClasses). */
export function labelledRows(labels: Int32Array, numClasses: number): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0 && labels[i] < numClasses) rows.push(i);
  return Int32Array.from(rows);
}

/** The given rows of an n×d row-major matrix, as a new matrix. */
export function selectRows(values: Float32Array, d: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) out.set(values.subarray(rows[i] * d, (rows[i] + 1) * d), i * d);
  return out;
}

/** The given entries of an array. */
export function selectLabels(labels: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = labels[rows[i]];
  return out;
}

/** Number of distinct labels among the given rows. */
export function distinctLabels(labels: Int32Array): number {
  return new Set(labels).size;
}
