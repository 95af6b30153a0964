import { describe, expect, it } from 'vitest';
import { buildProbeSet } from './probeSet';
import { randomImageSet } from './views.testing';

describe('buildProbeSet', () => {
  const set = randomImageSet(50, 4, 2, 5);

  it('is a seeded, sorted subset whose pixels and labels are the source images', () => {
    const a = buildProbeSet(set, 20, 3);
    const b = buildProbeSet(set, 20, 3);
    const c = buildProbeSet(set, 20, 4);
    expect(a.count).toBe(20);
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
    expect(Array.from(c.indices)).not.toEqual(Array.from(a.indices));
    expect(new Set(a.indices).size).toBe(20);
    for (let i = 1; i < a.count; i++) expect(a.indices[i]).toBeGreaterThan(a.indices[i - 1]);
    const per = 4 * 4 * 3;
    a.indices.forEach((idx, i) => {
      expect(a.labels[i]).toBe(set.labels[idx]);
      expect(Array.from(a.pixels.subarray(i * per, (i + 1) * per))).toEqual(Array.from(set.pixels.subarray(idx * per, (idx + 1) * per)));
    });
    expect(a.pixels.buffer).not.toBe(set.pixels.buffer); // a copy: transferring it cannot detach the dataset
  });

  it('takes every image of a set smaller than the probe size', () => {
    const all = buildProbeSet(set, 1000, 1);
    expect(all.count).toBe(50);
    expect(Array.from(all.indices)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
