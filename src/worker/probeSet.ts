// The fixed probe set of the live views: a seeded subset of the held-out test split whose
// representations the embedding view projects, and whose first images the completions continue.
// Fixed per dataset and seed, so every frame and every run shows the same images in the same order.

import type { ImageSet } from '../data/store';
import { seededPermutation } from '../random';

/** About a thousand points: enough to see classes separate, few enough to project every K steps. */
export const PROBE_SIZE = 1000;

export interface ProbeSet {
  size: number;
  count: number;
  /** count*size*size*3 RGB bytes (a copy: the dataset's own bytes are never transferred away). */
  pixels: Uint8Array;
  labels: Int32Array;
  /** Index of each probe image in the source set. */
  indices: Int32Array;
}

/**
 * Picks min(maxCount, set.count) images of `set` by a seeded permutation. The chosen indices are
 * sorted so the probe set reads in dataset order, which makes the hover index easy to look up.
 */
export function buildProbeSet(set: ImageSet, maxCount: number, seed: number): ProbeSet {
  const count = Math.max(0, Math.min(maxCount, set.count));
  const indices = seededPermutation(set.count, seed).slice(0, count).sort();
  const per = set.size * set.size * 3;
  const pixels = new Uint8Array(count * per);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const idx = indices[i];
    pixels.set(set.pixels.subarray(idx * per, (idx + 1) * per), i * per);
    labels[i] = set.labels[idx];
  }
  return { size: set.size, count, pixels, labels, indices };
}
