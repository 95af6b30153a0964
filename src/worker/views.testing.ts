// Shared fixtures of the worker's view and fork tests (Node, tfjs cpu backend). Not imported by app code.
import type { RunConfig } from '../config';
import type { ImageSet } from '../data/store';
import { MICRO_MODEL, MICRO_TRAIN } from '../model/model.testing';

/** A run config on the micro model (8px images, 4 patches), small enough for CPU tests. */
export function microRunConfig(seed = 7): RunConfig {
  return {
    preset: 'tiny',
    model: { ...MICRO_MODEL },
    train: { ...MICRO_TRAIN, seed },
    hyper: { lambdaCon: 1, lambdaGen: 1, tau: 0.2, lr: 3e-3 },
  };
}

/** count seeded pseudo-random images of size×size×3 bytes with labels i mod classes. */
export function randomImageSet(count: number, size: number, seed: number, classes = 3): ImageSet {
  const pixels = new Uint8Array(count * size * size * 3);
  let s = seed >>> 0;
  for (let i = 0; i < pixels.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    pixels[i] = s >>> 24;
  }
  return { size, count, pixels, labels: Int32Array.from({ length: count }, (_, i) => i % classes) };
}
