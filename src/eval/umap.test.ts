import { describe, expect, it } from 'vitest';
import { axisCentres, gaussianClusters } from './clusters.testing';
import { runUmap } from './umap';

const data = gaussianClusters(axisCentres(3, 8, 10), 30, 1, 21);

describe('runUmap', () => {
  it('is deterministic for a seed, differs across seeds, and keeps clusters together', async () => {
    const opts = { nNeighbors: 10, minDist: 0.1, epochs: 60 };
    const a = await runUmap(data.features, data.n, data.d, { ...opts, seed: 1 });
    const b = await runUmap(data.features, data.n, data.d, { ...opts, seed: 1 });
    const c = await runUmap(data.features, data.n, data.d, { ...opts, seed: 2 });
    expect(a.length).toBe(data.n * 2);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    // Each point's nearest neighbour in the projection belongs to the same cluster.
    let same = 0;
    for (let i = 0; i < data.n; i++) {
      let best = -1;
      let bestDist = Infinity;
      for (let j = 0; j < data.n; j++) {
        if (j === i) continue;
        const dist = (a[2 * i] - a[2 * j]) ** 2 + (a[2 * i + 1] - a[2 * j + 1]) ** 2;
        if (dist < bestDist) {
          bestDist = dist;
          best = j;
        }
      }
      if (data.labels[best] === data.labels[i]) same++;
    }
    expect(same / data.n).toBeGreaterThan(0.95);
  });

  it('reports progress up to the total epochs, and supports the cosine metric', async () => {
    const progress: Array<[number, number]> = [];
    await runUmap(data.features, data.n, data.d, {
      nNeighbors: 10,
      epochs: 25,
      seed: 3,
      metric: 'cosine',
      epochsPerYield: 10,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(progress).toEqual([
      [0, 25],
      [10, 25],
      [20, 25],
      [25, 25],
    ]);
  });

  it('is cancellable, before it starts and mid-optimisation', async () => {
    const pre = new AbortController();
    pre.abort();
    await expect(runUmap(data.features, data.n, data.d, { nNeighbors: 10, signal: pre.signal })).rejects.toThrow(/abort/i);

    const mid = new AbortController();
    let calls = 0;
    const run = runUmap(data.features, data.n, data.d, {
      nNeighbors: 10,
      epochs: 500,
      epochsPerYield: 5,
      signal: mid.signal,
      onProgress: (done) => {
        calls++;
        if (done >= 10) mid.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(calls).toBe(3); // 0, 5, 10 epochs; never reached the end
  });

  it('rejects too few points for the neighbourhood', async () => {
    await expect(runUmap(new Float32Array(10 * 2), 10, 2, { nNeighbors: 15 })).rejects.toThrow(/too few/);
  });
});
