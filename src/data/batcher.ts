// Fixed-size training batches from an ImageSet. The image order is one endless stream of seeded
// per-epoch permutations, cut into batches of exactly `batch` images: the last images of an epoch
// wrap into the next epoch's first batch, so shapes never change (the WebGPU buffer pool keys on exact
// sizes) and still every image appears exactly once per epoch. The position is a few integers, so a
// run can be checkpointed and resumed on exactly the same sequence.

import type { ImageSet } from './store';
import { mixSeed, mulberry32, shuffleInPlace } from '../random';

export interface BatcherState {
  seed: number;
  epoch: number;
  /** Position inside the current epoch's permutation. */
  cursor: number;
}

export interface Batch {
  /** batch*S*S*3 RGB bytes (a fresh array each call: safe to transfer). */
  pixels: Uint8Array;
  /** batch labels (-1 = unlabelled). */
  labels: Int32Array;
  /** Indices into the ImageSet, for debugging and for evaluations that need them. */
  indices: Uint32Array;
}

export class Batcher {
  private state: BatcherState;
  private perm: Uint32Array;
  private readonly per: number;

  constructor(
    private readonly set: ImageSet,
    readonly batch: number,
    seed: number,
  ) {
    if (set.count === 0) throw new Error('cannot batch an empty image set');
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`batch size ${batch} must be a positive integer`);
    this.per = set.size * set.size * 3;
    this.state = { seed: seed >>> 0, epoch: 0, cursor: 0 };
    this.perm = permutation(set.count, this.state.seed, 0);
  }

  /** Batches per epoch, rounded up (an epoch's tail shares a batch with the next epoch's head). */
  get batchesPerEpoch(): number {
    return Math.ceil(this.set.count / this.batch);
  }

  next(): Batch {
    const pixels = new Uint8Array(this.batch * this.per);
    const labels = new Int32Array(this.batch);
    const indices = new Uint32Array(this.batch);
    for (let k = 0; k < this.batch; k++) {
      if (this.state.cursor >= this.set.count) {
        this.state.epoch++;
        this.state.cursor = 0;
        this.perm = permutation(this.set.count, this.state.seed, this.state.epoch);
      }
      const idx = this.perm[this.state.cursor++];
      indices[k] = idx;
      labels[k] = this.set.labels[idx];
      pixels.set(this.set.pixels.subarray(idx * this.per, (idx + 1) * this.per), k * this.per);
    }
    return { pixels, labels, indices };
  }

  getState(): BatcherState {
    return { ...this.state };
  }

  setState(s: BatcherState): void {
    if (s.cursor < 0 || s.cursor > this.set.count || s.epoch < 0) throw new Error('batcher state does not fit this image set');
    const epochChanged = s.seed >>> 0 !== this.state.seed || s.epoch !== this.state.epoch;
    this.state = { seed: s.seed >>> 0, epoch: s.epoch, cursor: s.cursor };
    if (epochChanged) this.perm = permutation(this.set.count, this.state.seed, this.state.epoch);
  }
}

/** The image order of one epoch: depends only on (seed, epoch), so it can be rebuilt on resume. */
export function permutation(count: number, seed: number, epoch: number): Uint32Array {
  const p = new Uint32Array(count);
  for (let i = 0; i < count; i++) p[i] = i;
  return shuffleInPlace(p, mulberry32(mixSeed(seed, epoch)));
}
