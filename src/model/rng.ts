// Seeded host-side randomness. Everything random in the model (initial weights, augmentation
// parameters, sampling noise) is drawn here from integers, so a run is reproducible from its seed
// on every backend: device RNGs differ between backends, host arithmetic on uint32 does not.

/** Mixes any number of integers into one 32-bit seed (murmur3-style finaliser per word). */
export function hashSeed(...words: number[]): number {
  let h = 0x9e3779b9;
  for (const word of words) {
    let k = Math.imul((word | 0) ^ Math.floor(word / 4294967296), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: tiny, fast, good enough statistical quality for augmentation and init. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform in the open interval (0, 1): safe for log(u) and log(1 - u). */
  open01(): number {
    return (this.next() * 4294967295 + 0.5) / 4294967296;
  }

  /** Standard normal (Box-Muller; the second value is dropped for simplicity). */
  normal(): number {
    const u = this.open01();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  bernoulli(p: number): boolean {
    return this.next() < p;
  }
}
