// UMAP projection on demand for the embedding view, a thin wrapper around umap-js.
//
// Why a wrapper: umap-js draws from Math.random unless given a generator, fit() blocks until done,
// and fitAsync() cannot be cancelled from outside. Here the generator is seeded (same seed, same
// picture), and the optimisation runs epoch by epoch through the step-wise API (initializeFit + step),
// yielding to the event loop so progress is reported and an AbortSignal can stop it.
// The neighbour graph (initializeFit) is one synchronous call in umap-js and cannot be interrupted;
// cancel takes effect right after it.

import { UMAP } from 'umap-js';
import { checkpoint, type CancelOptions } from './cancel';
import { mulberry32 } from '../random';

export interface UmapOptions extends CancelOptions {
  /** Size of the local neighbourhood (umap-js default 15); must be below the number of points. */
  nNeighbors?: number;
  /** How tightly points may pack in the projection (umap-js default 0.1). */
  minDist?: number;
  /** Optimisation epochs; 0 or absent lets umap-js choose from n (500 for n ≤ 2,500, fewer above). */
  epochs?: number;
  /** Seed of the generator umap-js uses for the neighbour search, initialisation and sampling. */
  seed?: number;
  /** Distance between representations; cosine matches how kNN and the OOD score compare them. */
  metric?: 'euclidean' | 'cosine';
  /** Epochs between yields to the event loop (progress and cancel checks). */
  epochsPerYield?: number;
}

/**
 * Projects n×d row-major features to 2-D. Resolves to n×2 row-major coordinates; rejects with the
 * signal's reason (an AbortError) when cancelled. onProgress(epochsDone, totalEpochs).
 */
export async function runUmap(features: Float32Array, n: number, d: number, opts: UmapOptions = {}): Promise<Float32Array> {
  if (features.length !== n * d) throw new Error(`runUmap: features has ${features.length} values, expected ${n}×${d}`);
  const nNeighbors = opts.nNeighbors ?? 15;
  if (n <= nNeighbors) throw new Error(`runUmap: ${n} points is too few for nNeighbors=${nNeighbors}`);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(features.subarray(i * d, (i + 1) * d)));

  await checkpoint(opts.signal);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors,
    minDist: opts.minDist ?? 0.1,
    nEpochs: opts.epochs ?? 0,
    random: mulberry32(opts.seed ?? 0),
    distanceFn: opts.metric === 'cosine' ? cosineDistance : euclideanDistance,
  });
  const totalEpochs = umap.initializeFit(rows);
  opts.onProgress?.(0, totalEpochs);
  const perYield = Math.max(1, opts.epochsPerYield ?? 10);
  for (let epoch = 0; epoch < totalEpochs;) {
    await checkpoint(opts.signal);
    const stop = Math.min(totalEpochs, epoch + perYield);
    while (epoch < stop) epoch = umap.step();
    opts.onProgress?.(epoch, totalEpochs);
  }
  const embedding = umap.getEmbedding();
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = embedding[i][0];
    out[2 * i + 1] = embedding[i][1];
  }
  return out;
}

function euclideanDistance(x: number[], y: number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const e = x[i] - y[i];
    s += e * e;
  }
  return Math.sqrt(s);
}

// 1 − cosine similarity; a zero vector is treated as orthogonal to everything.
function cosineDistance(x: number[], y: number[]): number {
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < x.length; i++) {
    dot += x[i] * y[i];
    nx += x[i] * x[i];
    ny += y[i] * y[i];
  }
  const denom = Math.sqrt(nx * ny);
  return denom > 0 ? 1 - dot / denom : 1;
}
