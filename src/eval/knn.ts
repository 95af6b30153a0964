// k-nearest-neighbour evaluation and the feature OOD score (docs/evaluations.md), both on cosine similarity.
//
// kNN: each test representation votes with its k = 20 most similar train representations, each vote
// weighted by its cosine similarity; accuracy of the winning class. Needs no training, so it measures
// the geometry of the representation directly.
// OOD feature score: 1 − max cosine similarity to the train features (an image far from everything
// seen in training is likely out of distribution).
//
// Both need a query×bank similarity matrix; at 10k × 10k that is 400 MB of float32, so the queries go
// through the device in chunks and only the top-k (or the max) per row comes back.

import * as tf from '@tensorflow/tfjs';
import { checkpoint, type CancelOptions } from './cancel';

export interface KnnOptions extends CancelOptions {
  /** Neighbours that vote (20 in the suite). Clamped to the bank size. */
  k?: number;
  /** Query rows per device pass; bounds memory at chunkSize × bank size floats. */
  chunkSize?: number;
}

const DEFAULT_K = 20;
const DEFAULT_CHUNK = 512;

/** Predicted class of each test row by similarity-weighted vote of its k nearest train rows. */
export async function knnPredict(
  trainFeatures: Float32Array,
  trainLabels: Int32Array,
  testFeatures: Float32Array,
  d: number,
  numClasses: number,
  opts: KnnOptions = {},
): Promise<Int32Array> {
  const nTrain = rowsOf(trainFeatures, d, 'trainFeatures');
  const nTest = rowsOf(testFeatures, d, 'testFeatures');
  if (trainLabels.length !== nTrain) throw new Error(`knnPredict: ${trainLabels.length} labels for ${nTrain} train rows`);
  if (nTrain === 0) throw new Error('knnPredict: empty train bank');
  const k = Math.min(opts.k ?? DEFAULT_K, nTrain);
  const pred = new Int32Array(nTest);
  const votes = new Float64Array(numClasses);
  await forEachChunk(
    testFeatures,
    trainFeatures,
    d,
    opts,
    (sims) => tf.topk(sims, k, true),
    async (top, start, rows) => {
      const [values, indices] = await Promise.all([top.values.data(), top.indices.data()]);
      for (let r = 0; r < rows; r++) {
        votes.fill(0);
        for (let j = 0; j < k; j++) {
          // A negative similarity is evidence of nothing, not evidence against a class: clamp at 0.
          votes[trainLabels[indices[r * k + j]]] += Math.max(0, values[r * k + j]);
        }
        let best = trainLabels[indices[r * k]]; // all weights 0: fall back to the nearest neighbour
        for (let c = 0; c < numClasses; c++) if (votes[c] > votes[best]) best = c;
        pred[start + r] = best;
      }
    },
  );
  return pred;
}

/** Top-1 accuracy of {@link knnPredict} in [0, 1]. */
export async function knnAccuracy(
  trainFeatures: Float32Array,
  trainLabels: Int32Array,
  testFeatures: Float32Array,
  testLabels: Int32Array,
  d: number,
  numClasses: number,
  opts: KnnOptions = {},
): Promise<number> {
  const pred = await knnPredict(trainFeatures, trainLabels, testFeatures, d, numClasses, opts);
  if (pred.length !== testLabels.length) throw new Error(`knnAccuracy: ${pred.length} test rows, ${testLabels.length} labels`);
  if (pred.length === 0) return Number.NaN;
  let correct = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === testLabels[i]) correct++;
  return correct / pred.length;
}

/** For each query row, the largest cosine similarity to any bank row (in [−1, 1]). */
export async function maxCosineSimilarity(
  query: Float32Array,
  bank: Float32Array,
  d: number,
  opts: Omit<KnnOptions, 'k'> = {},
): Promise<Float32Array> {
  const nQuery = rowsOf(query, d, 'query');
  if (rowsOf(bank, d, 'bank') === 0) throw new Error('maxCosineSimilarity: empty bank');
  const out = new Float32Array(nQuery);
  await forEachChunk(
    query,
    bank,
    d,
    opts,
    (sims) => tf.max(sims, 1),
    async (max, start) => {
      out.set(await max.data(), start);
    },
  );
  return out;
}

/** The OOD feature score of docs/evaluations.md: 1 − max cosine similarity to the train features. */
export async function featureOodScores(
  query: Float32Array,
  trainFeatures: Float32Array,
  d: number,
  opts: Omit<KnnOptions, 'k'> = {},
): Promise<Float32Array> {
  const sims = await maxCosineSimilarity(query, trainFeatures, d, opts);
  return sims.map((s) => 1 - s);
}

// Runs `reduce` on each chunk's query×bank cosine-similarity matrix on the device and hands the
// (small) reduced tensors to `consume`; disposes everything, checks for cancel between chunks.
async function forEachChunk<T extends tf.TensorContainer>(
  query: Float32Array,
  bank: Float32Array,
  d: number,
  opts: CancelOptions & { chunkSize?: number },
  reduce: (sims: tf.Tensor2D) => T,
  consume: (reduced: T, start: number, rows: number) => Promise<void>,
): Promise<void> {
  const nQuery = query.length / d;
  const nBank = bank.length / d;
  const chunk = Math.max(1, opts.chunkSize ?? DEFAULT_CHUNK);
  const bankN = tf.tidy(() => l2NormaliseRows(tf.tensor2d(bank, [nBank, d])));
  try {
    for (let start = 0; start < nQuery; start += chunk) {
      await checkpoint(opts.signal);
      const rows = Math.min(chunk, nQuery - start);
      const reduced = tf.tidy(() => {
        const q = l2NormaliseRows(tf.tensor2d(query.subarray(start * d, (start + rows) * d), [rows, d]));
        return reduce(tf.matMul(q, bankN, false, true));
      });
      try {
        await consume(reduced, start, rows);
      } finally {
        tf.dispose(reduced);
      }
      opts.onProgress?.(start + rows, nQuery);
    }
  } finally {
    bankN.dispose();
  }
}

// Rows scaled to unit length; an all-zero row stays zero (similarity 0 to everything) instead of NaN.
function l2NormaliseRows(x: tf.Tensor2D): tf.Tensor2D {
  const norm = tf.sqrt(tf.sum(tf.square(x), 1, true));
  return tf.div(x, tf.maximum(norm, 1e-12));
}

function rowsOf(features: Float32Array, d: number, name: string): number {
  if (features.length % d !== 0) throw new Error(`${name}: ${features.length} values is not a multiple of d=${d}`);
  return features.length / d;
}
