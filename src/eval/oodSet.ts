// The out-of-distribution set of docs/evaluations.md: a natural-image set (the user's, or the built-in notMNIST
// letters) plus two synthetic parts, Gaussian noise and constant colours. The synthetic parts are the
// classic sanity checks of likelihood-based OOD detection: a generative model can give flat images a
// *higher* likelihood than its own data (Nalisnick et al. 2019), so they are scored separately too.

import type { ImageSet } from '../data/store';
import type { EvalSettings } from './evalTypes';
import { gaussian, mulberry32 } from '../random';
import { seededSubset } from './subsets';

export interface OodPart {
  name: string;
  set: ImageSet;
}

/** Share of the OOD budget each synthetic part gets when synthetic images are included. */
export const SYNTHETIC_SHARE = 0.1;
// Noise around mid-grey with a quarter of the range as standard deviation, clipped: visibly noise,
// rarely saturated.
const NOISE_MEAN = 127.5;
const NOISE_STD = 64;

/** `count` images of i.i.d. Gaussian pixel noise, rounded and clipped to 0..255. Seeded. */
export function noiseImages(count: number, size: number, seed: number): ImageSet {
  const normal = gaussian(mulberry32(seed));
  const pixels = new Uint8Array(count * size * size * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.min(255, Math.max(0, Math.round(NOISE_MEAN + NOISE_STD * normal())));
  return { size, count, pixels, labels: new Int32Array(count).fill(-1) };
}

/** `count` images each filled with one uniformly random RGB colour. Seeded. */
export function constantImages(count: number, size: number, seed: number): ImageSet {
  const random = mulberry32(seed);
  const per = size * size * 3;
  const pixels = new Uint8Array(count * per);
  for (let i = 0; i < count; i++) {
    const rgb = [0, 1, 2].map(() => Math.floor(random() * 256));
    for (let p = 0; p < size * size; p++) pixels.set(rgb, i * per + p * 3);
  }
  return { size, count, pixels, labels: new Int32Array(count).fill(-1) };
}

/**
 * Splits the OOD budget `settings.oodSubset` between the parts: with synthetic images included each
 * synthetic part gets SYNTHETIC_SHARE of it and the natural images the rest; without a natural set the
 * synthetic parts share the whole budget. Parts with no images are left out.
 */
export function buildOodParts(natural: { name: string; set: ImageSet } | null, settings: EvalSettings, size: number): OodPart[] {
  const budget = settings.oodSubset;
  const parts: OodPart[] = [];
  const synthetic = settings.includeSynthetic ? (natural ? Math.max(1, Math.round(budget * SYNTHETIC_SHARE)) : Math.ceil(budget / 2)) : 0;
  if (natural) {
    if (natural.set.size !== size) throw new Error(`the OOD set is ${natural.set.size}px but the model expects ${size}px`);
    const set = seededSubset(natural.set, budget - 2 * synthetic, settings.seed + 2);
    if (set.count > 0) parts.push({ name: natural.name, set });
  }
  if (synthetic > 0) {
    parts.push({ name: 'Gaussian noise', set: noiseImages(synthetic, size, settings.seed + 3) });
    parts.push({ name: 'constant colour', set: constantImages(synthetic, size, settings.seed + 4) });
  }
  return parts;
}
