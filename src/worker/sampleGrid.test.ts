import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HybridTrainer } from '../model/trainer';
import { MICRO_MODEL, MICRO_TRAIN, useCpu } from '../model/model.testing';
import { buildProbeSet } from './probeSet';
import { completionSources, generateSamples, keptPatchRows } from './sampleGrid';
import { randomImageSet } from './views.testing';

beforeAll(useCpu);

describe('generateSamples (what the samples grid draws)', () => {
  const trainer = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
  const probe = buildProbeSet(randomImageSet(40, MICRO_MODEL.imageSize, 5), 30, 1);
  afterAll(() => trainer.dispose());

  it('returns the asked counts of S×S×3 byte images; completions keep the original top half byte for byte', async () => {
    const before = tf.memory().numTensors;
    const grid = await generateSamples(trainer, probe, { unconditional: 3, completions: 4, temperature: 1, seed: 9 });
    const s = MICRO_MODEL.imageSize;
    const per = s * s * 3;
    expect(tf.memory().numTensors).toBe(before);
    expect(grid.size).toBe(s);
    expect(grid.unconditionalCount).toBe(3);
    expect(grid.unconditional).toBeInstanceOf(Uint8Array);
    expect(grid.unconditional.length).toBe(3 * per);
    expect(grid.completionCount).toBe(4);
    expect(grid.completions.length).toBe(4 * per);
    expect(grid.keptRows).toBe(s / 2); // 8px, patch 4: one of two patch rows kept
    expect(Array.from(grid.completionSources)).toEqual([0, 7, 15, 22]);

    const rowBytes = s * 3;
    let bottomDiffers = false;
    grid.completionSources.forEach((src, i) => {
      const original = probe.pixels.subarray(src * per, (src + 1) * per);
      const done = grid.completions.subarray(i * per, (i + 1) * per);
      expect(Array.from(done.subarray(0, grid.keptRows * rowBytes))).toEqual(Array.from(original.subarray(0, grid.keptRows * rowBytes)));
      const bottom = done.subarray(grid.keptRows * rowBytes);
      if (bottom.some((v, j) => v !== original[grid.keptRows * rowBytes + j])) bottomDiffers = true;
    });
    // The bottom half is the model's, not a copy of the original (random images cannot be predicted).
    expect(bottomDiffers).toBe(true);
    // Sampled pixels spread over the byte range rather than sticking at a clamp edge.
    const distinct = new Set(grid.unconditional);
    expect(distinct.size).toBeGreaterThan(10);
  });

  it('is seeded: the same request gives the same bytes, another seed other bytes', async () => {
    const request = { unconditional: 2, completions: 2, temperature: 1, seed: 4 };
    const [a, b, c] = [
      await generateSamples(trainer, probe, request),
      await generateSamples(trainer, probe, request),
      await generateSamples(trainer, probe, { ...request, seed: 5 }),
    ];
    expect(Array.from(b.unconditional)).toEqual(Array.from(a.unconditional));
    expect(Array.from(b.completions)).toEqual(Array.from(a.completions));
    expect(Array.from(c.unconditional)).not.toEqual(Array.from(a.unconditional));
  });

  it('skips a part asked for zero images and never asks more completions than probe images', async () => {
    const small = buildProbeSet(randomImageSet(3, MICRO_MODEL.imageSize, 8), 3, 1);
    const grid = await generateSamples(trainer, small, { unconditional: 0, completions: 10, temperature: 0, seed: 1 });
    expect(grid.unconditional.length).toBe(0);
    expect(grid.completionCount).toBe(3);
  });
});

describe('sample grid geometry', () => {
  it('keeps whole patch rows, rounding an odd grid down', () => {
    expect(keptPatchRows(16, 4)).toBe(2);
    expect(keptPatchRows(20, 4)).toBe(2); // 5 patch rows: keep 2
    expect(keptPatchRows(32, 2)).toBe(8);
  });

  it('spreads completion sources evenly over the probe set', () => {
    expect(Array.from(completionSources(10, 5))).toEqual([0, 2, 4, 6, 8]);
    expect(Array.from(completionSources(2, 5))).toEqual([0, 1]);
    expect(completionSources(10, 0).length).toBe(0);
  });
});
