import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { featureOodScores, knnAccuracy, knnPredict, maxCosineSimilarity } from './knn';
import { axisCentres, gaussianClusters } from './clusters.testing';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('knn', () => {
  it('classifies toy clusters perfectly, in any chunk size, without leaking tensors', async () => {
    // Three clusters in different directions (cosine similarity sees directions, not distances).
    const centres = axisCentres(3, 8, 5);
    const train = gaussianClusters(centres, 60, 0.5, 11);
    const test = gaussianClusters(centres, 20, 0.5, 12);
    const before = tf.memory().numTensors;
    const acc = await knnAccuracy(train.features, train.labels, test.features, test.labels, 8, 3);
    expect(acc).toBe(1);
    const small = await knnPredict(train.features, train.labels, test.features, 8, 3, { chunkSize: 7 });
    expect(Array.from(small)).toEqual(Array.from(test.labels));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('weights votes by similarity: one very close neighbour outvotes two distant ones', async () => {
    // Query (1, 0). Train: (1, 0.05) class 1, cos ≈ 0.999; (0.2, 1) class 0, cos ≈ 0.196;
    // (0.1, 1) class 0, cos ≈ 0.0995. With k = 3 a plain majority says 0; weighted: 0.999 vs 0.296 → 1.
    const train = new Float32Array([1, 0.05, 0.2, 1, 0.1, 1]);
    const labels = new Int32Array([1, 0, 0]);
    const pred = await knnPredict(train, labels, new Float32Array([1, 0]), 2, 2, { k: 3 });
    expect(pred[0]).toBe(1);
    // k larger than the bank is clamped, not an error.
    const all = await knnPredict(train, labels, new Float32Array([1, 0]), 2, 2, { k: 20 });
    expect(all[0]).toBe(1);
  });

  it('computes the max cosine similarity and the OOD score 1 − max', async () => {
    // Query (3, 4) against (1, 0) → 0.6 and (0, 2) → 0.8; query (−1, 0) → −1 and 0 → max 0.
    const query = new Float32Array([3, 4, -1, 0]);
    const bank = new Float32Array([1, 0, 0, 2]);
    const sims = await maxCosineSimilarity(query, bank, 2, { chunkSize: 1 });
    expect(sims[0]).toBeCloseTo(0.8, 6);
    expect(sims[1]).toBeCloseTo(0, 6);
    const scores = await featureOodScores(query, bank, 2);
    expect(scores[0]).toBeCloseTo(0.2, 6);
    expect(scores[1]).toBeCloseTo(1, 6);
  });

  it('reports progress and can be cancelled', async () => {
    const data = gaussianClusters(axisCentres(2, 4, 3), 20, 0.5, 13);
    const seen: number[] = [];
    await maxCosineSimilarity(data.features, data.features, 4, { chunkSize: 16, onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([16, 32, 40]);
    const controller = new AbortController();
    const run = knnPredict(data.features, data.labels, data.features, 4, 2, {
      chunkSize: 4,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toThrow(/abort/i);
  });
});
