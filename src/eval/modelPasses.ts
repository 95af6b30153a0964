// Runs a frozen model over an image set in fixed-size chunks and brings back plain arrays: r(x),
// bits/dim, and r(x) of corrupted copies (corruptions generated on the device from the uploaded clean
// chunk, so each chunk crosses to the device once however many corruptions are asked for).
//
// Every chunk has the same shape: the last one is zero-padded and the padding rows are dropped on the
// way back, because the WebGPU buffer pool keys buffers by exact size and never frees them (docs/architecture.md).
// Results come back with `await data()`, never dataSync, and each chunk's tensors are disposed before
// the next one starts.

import * as tf from '@tensorflow/tfjs';
import type { ImageSet } from '../data/store';
import { checkpoint } from './cancel';
import { corrupt, type CorruptionKind, type Severity } from './corruptions';

/** What the suite needs from a model: HybridTrainer satisfies it, and so does the raw-pixel baseline. */
export interface EvaluableModel {
  /** r(x), [n, d], for images [n,S,S,3] in 0..255. */
  represent(images: tf.Tensor4D): tf.Tensor2D;
  /** Exact bits/dim per image, [n]; absent for a representation that has no likelihood. */
  bitsPerDim?(images: tf.Tensor4D): tf.Tensor1D;
}

export interface CorruptionSpec {
  kind: CorruptionKind;
  severity: Severity;
}

export interface PassRequest {
  bitsPerDim: boolean;
  corruptions: readonly CorruptionSpec[];
  /** Seed of the corruption noise; each image's index in the set and the severity are mixed in (corruptions.ts). */
  seed: number;
  /**
   * Receives r(x) of each chunk's corrupted copies (rows×d, rows start at `start`), as they are read.
   * They are not stored: 25 corrupted copies of a large test set would not fit in memory.
   */
  onCorrupted?: (corruption: number, start: number, features: Float32Array) => void;
}

export interface PassOutput {
  /** n×d row-major. */
  features: Float32Array;
  d: number;
  /** n values, or null when not requested. */
  bitsPerDim: Float32Array | null;
}

export interface PassOptions {
  chunkSize: number;
  signal?: AbortSignal;
  /** Called after each chunk with the number of (image × pass) units finished in it. */
  onUnits?: (units: number) => void;
}

/** Model passes per image that a request costs (bits/dim counts twice: it also runs the decoder). */
export function passUnits(request: PassRequest): number {
  return 1 + (request.bitsPerDim ? 2 : 0) + request.corruptions.length;
}

/**
 * Rows per chunk for a model with `tokens` positions: attention memory grows with tokens², so larger
 * models get smaller chunks. A power of two in [16, 256].
 */
export function chunkSizeFor(tokens: number): number {
  const target = Math.min(256, Math.max(16, Math.floor(8192 / Math.max(1, tokens))));
  return 2 ** Math.floor(Math.log2(target));
}

export async function runModelPasses(model: EvaluableModel, set: ImageSet, request: PassRequest, opts: PassOptions): Promise<PassOutput> {
  const { size, count } = set;
  const per = size * size * 3;
  const chunk = Math.max(1, Math.floor(opts.chunkSize));
  const padded = new Uint8Array(chunk * per);
  let d = 0;
  let features = new Float32Array(0);
  const bpd = request.bitsPerDim ? new Float32Array(count) : null;
  for (let start = 0; start < count; start += chunk) {
    await checkpoint(opts.signal);
    const rows = Math.min(chunk, count - start);
    padded.fill(0);
    padded.set(set.pixels.subarray(start * per, (start + rows) * per));
    // Outputs in a flat list: r(x), then bits/dim if asked, then r(x) of each corrupted copy.
    const outputs: tf.Tensor[] = tf.tidy(() => {
      const images = tf.tensor4d(padded, [chunk, size, size, 3], 'int32').toFloat() as tf.Tensor4D;
      // A tidy per pass frees each pass's activations before the next one runs; only the small
      // outputs live until the end of the chunk.
      const out: tf.Tensor[] = [tf.tidy(() => model.represent(images))];
      if (request.bitsPerDim) {
        const bitsPerDim = model.bitsPerDim?.bind(model);
        if (!bitsPerDim) throw new Error('runModelPasses: bits/dim asked of a model without a likelihood');
        out.push(tf.tidy(() => bitsPerDim(images)));
      }
      for (const spec of request.corruptions) {
        out.push(tf.tidy(() => model.represent(corrupt(images, spec.kind, spec.severity, request.seed, start))));
      }
      return out;
    });
    try {
      const [rep, ...rest] = outputs;
      if (d === 0) {
        d = rep.shape[1] as number;
        features = new Float32Array(count * d);
      }
      features.set((await rep.data<'float32'>()).subarray(0, rows * d), start * d);
      if (bpd) bpd.set((await (rest.shift() as tf.Tensor).data<'float32'>()).subarray(0, rows), start);
      for (let k = 0; k < rest.length; k++) {
        const values = (await rest[k].data<'float32'>()).subarray(0, rows * d);
        request.onCorrupted?.(k, start, values);
      }
    } finally {
      tf.dispose(outputs);
    }
    opts.onUnits?.(rows * passUnits(request));
  }
  return { features, d, bitsPerDim: bpd };
}
