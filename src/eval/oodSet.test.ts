import { describe, expect, it } from 'vitest';
import type { ImageSet } from '../data/store';
import { DEFAULT_EVAL_SETTINGS, normaliseEvalSettings } from './evalTypes';
import { buildOodParts, constantImages, noiseImages } from './oodSet';

const letters: ImageSet = { size: 4, count: 300, pixels: new Uint8Array(300 * 48).fill(7), labels: new Int32Array(300) };

describe('synthetic OOD images', () => {
  it('noise is seeded, spread around mid-grey, and within 0..255', () => {
    const a = noiseImages(20, 8, 1);
    expect(noiseImages(20, 8, 1)).toEqual(a);
    expect(Array.from(noiseImages(20, 8, 2).pixels)).not.toEqual(Array.from(a.pixels));
    const values = Array.from(a.pixels);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    expect(mean).toBeGreaterThan(120);
    expect(mean).toBeLessThan(135);
    expect(sd).toBeGreaterThan(50);
    expect(sd).toBeLessThan(70);
    expect(Array.from(a.labels).every((l) => l === -1)).toBe(true);
  });

  it('a constant image has one colour, and the colours differ between images', () => {
    const set = constantImages(10, 4, 5);
    const per = 48;
    const firsts = new Set<string>();
    for (let i = 0; i < set.count; i++) {
      const img = set.pixels.subarray(i * per, (i + 1) * per);
      for (let p = 0; p < 16; p++) expect([img[p * 3], img[p * 3 + 1], img[p * 3 + 2]]).toEqual([img[0], img[1], img[2]]);
      firsts.add(`${img[0]},${img[1]},${img[2]}`);
    }
    expect(firsts.size).toBe(10);
  });
});

describe('buildOodParts', () => {
  it('gives each synthetic part a tenth of the budget and the natural set the rest', () => {
    const parts = buildOodParts({ name: 'letters', set: letters }, { ...DEFAULT_EVAL_SETTINGS, oodSubset: 200 }, 4);
    expect(parts.map((p) => [p.name, p.set.count])).toEqual([
      ['letters', 160],
      ['Gaussian noise', 20],
      ['constant colour', 20],
    ]);
  });

  it('without synthetic images the natural set takes the whole budget (capped at its size)', () => {
    const settings = { ...DEFAULT_EVAL_SETTINGS, oodSubset: 1000, includeSynthetic: false };
    expect(buildOodParts({ name: 'letters', set: letters }, settings, 4).map((p) => p.set.count)).toEqual([300]);
  });

  it('without a natural set the synthetic parts share the budget', () => {
    const parts = buildOodParts(null, { ...DEFAULT_EVAL_SETTINGS, oodSubset: 100 }, 4);
    expect(parts.map((p) => p.set.count)).toEqual([50, 50]);
  });

  it('refuses a natural set decoded at another size', () => {
    expect(() => buildOodParts({ name: 'letters', set: letters }, DEFAULT_EVAL_SETTINGS, 8)).toThrow(/4px/);
  });
});

describe('normaliseEvalSettings', () => {
  it('clamps and rounds numbers, ignores malformed values', () => {
    const s = normaliseEvalSettings(DEFAULT_EVAL_SETTINGS, { trainSubset: 3, testSubset: 123.6, autoEvery: -5, oodSubset: Number.NaN });
    expect(s.trainSubset).toBe(20);
    expect(s.testSubset).toBe(124);
    expect(s.autoEvery).toBe(0);
    expect(s.oodSubset).toBe(DEFAULT_EVAL_SETTINGS.oodSubset);
    expect(normaliseEvalSettings(s, { includeSynthetic: false }).includeSynthetic).toBe(false);
  });
});
