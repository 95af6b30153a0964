import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitLinearProbe } from './linearProbe';
import { mulberry32, seededPermutation } from '../random';
import { axisCentres, gaussianClusters } from './clusters.testing';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('fitLinearProbe', () => {
  it('reaches 100% train accuracy on linearly separable data, and converges', async () => {
    // Four well-separated clusters, offset and scaled unevenly so standardisation has work to do.
    const centres = axisCentres(4, 6, 8).map((c) => c.map((v, j) => 100 + v * (j + 1)));
    const train = gaussianClusters(centres, 50, 1, 1);
    const before = tf.memory().numTensors;
    const probe = await fitLinearProbe(train.features, train.n, train.d, train.labels, 4);
    expect(tf.memory().numTensors).toBe(before); // nothing leaks on the device
    expect(probe.converged).toBe(true);
    expect(probe.stop).toBe('converged');
    expect(probe.gradient).toBeLessThan(1e-5); // the default gradient tolerance
    expect(probe.accuracy(train.features, train.labels)).toBe(1);
    const test = gaussianClusters(centres, 100, 1, 2);
    expect(probe.accuracy(test.features, test.labels)).toBeGreaterThan(0.99);
  });

  it('reports a loss that stops moving before the gradient is small as a stall, not as convergence', async () => {
    const data = gaussianClusters(axisCentres(3, 5, 2), 40, 1, 8);
    // A gradient tolerance far below what float32 losses and gradients can resolve: the loss stops
    // moving first.
    const probe = await fitLinearProbe(data.features, data.n, data.d, data.labels, 3, { l2: 1e-2, gradientTolerance: 1e-13 });
    expect(probe.stop).toBe('stalled');
    expect(probe.converged).toBe(false);
    expect(probe.gradient).toBeGreaterThanOrEqual(1e-13);
    expect(probe.gradient).toBeLessThan(1e-3); // it did get close: a stall near the optimum
    expect(probe.iterations).toBeLessThan(500);
    // The same fit with a reachable tolerance converges, at a gradient below it.
    const reachable = await fitLinearProbe(data.features, data.n, data.d, data.labels, 3, { l2: 1e-2 });
    expect([reachable.stop, reachable.converged]).toEqual(['converged', true]);
    expect(reachable.gradient).toBeLessThan(1e-5);
  });

  it('says so when it stops at the iteration cap, and never calls a fit on NaN features converged', async () => {
    const data = gaussianClusters(axisCentres(3, 5, 2), 40, 1, 9);
    const capped = await fitLinearProbe(data.features, data.n, data.d, data.labels, 3, { maxIterations: 2 });
    expect([capped.stop, capped.converged, capped.iterations]).toEqual(['iterationCap', false, 2]);
    expect(capped.gradient).toBeGreaterThan(1e-5);
    const broken = data.features.slice();
    broken[7] = Number.NaN; // e.g. the representation of a diverged model
    const nan = await fitLinearProbe(broken, data.n, data.d, data.labels, 3);
    expect(nan.converged).toBe(false);
    expect(nan.stop).toBe('stalled');
  });

  it('is at chance on held-out data when the labels are shuffled', async () => {
    const numClasses = 4;
    const data = gaussianClusters(axisCentres(numClasses, 16, 3), 600, 1, 3);
    // Shuffling the labels severs any link between features and labels.
    const perm = seededPermutation(data.n, 4);
    const shuffled = Int32Array.from(perm, (i) => data.labels[i]);
    const nTrain = 400;
    const d = data.d;
    const probe = await fitLinearProbe(data.features.subarray(0, nTrain * d), nTrain, d, shuffled.subarray(0, nTrain), numClasses);
    const acc = probe.accuracy(data.features.subarray(nTrain * d), shuffled.subarray(nTrain));
    // 2,000 held-out rows: the binomial standard deviation at p = ¼ is ≈ 0.01, so ±0.05 is 5σ.
    expect(Math.abs(acc - 1 / numClasses)).toBeLessThan(0.05);
  });

  it('finds the closed-form optimum when features carry no information', async () => {
    // A constant feature standardises to 0, so only the (unpenalised) bias is learned and the
    // optimal probabilities are the class frequencies: 70% / 30%.
    const n = 100;
    const labels = Int32Array.from({ length: n }, (_, i) => (i < 70 ? 0 : 1));
    const probe = await fitLinearProbe(new Float32Array(n).fill(5), n, 1, labels, 2);
    const p = probe.predictProbs(new Float32Array([5]));
    expect(p[0]).toBeCloseTo(0.7, 4);
    expect(p[1]).toBeCloseTo(0.3, 4);
  });

  it('returns probability rows that sum to one', async () => {
    const data = gaussianClusters(axisCentres(3, 5, 2), 30, 1, 5);
    const probe = await fitLinearProbe(data.features, data.n, data.d, data.labels, 3, { l2: 1e-2 });
    const probs = probe.predictProbs(data.features);
    expect(probs.length).toBe(data.n * 3);
    for (let i = 0; i < data.n; i++) {
      const s = probs[3 * i] + probs[3 * i + 1] + probs[3 * i + 2];
      expect(s).toBeCloseTo(1, 5);
    }
  });

  it('stronger L2 gives smaller weights', async () => {
    const data = gaussianClusters(axisCentres(3, 5, 2), 40, 1, 6);
    const norm = (w: Float32Array) => Math.sqrt(w.reduce((s, v) => s + v * v, 0));
    const weak = await fitLinearProbe(data.features, data.n, data.d, data.labels, 3, { l2: 1e-3 });
    const strong = await fitLinearProbe(data.features, data.n, data.d, data.labels, 3, { l2: 1 });
    expect(norm(strong.weights)).toBeLessThan(norm(weak.weights));
  });

  it('can be cancelled, and rejects bad input', async () => {
    const data = gaussianClusters(axisCentres(2, 3, 2), 20, 1, 7);
    const controller = new AbortController();
    controller.abort();
    const before = tf.memory().numTensors;
    await expect(fitLinearProbe(data.features, data.n, data.d, data.labels, 2, { signal: controller.signal })).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
    const bad = Int32Array.from(data.labels, () => Math.floor(mulberry32(1)() * 2) + 5);
    await expect(fitLinearProbe(data.features, data.n, data.d, bad, 2)).rejects.toThrow(/out of range/);
  });
});
