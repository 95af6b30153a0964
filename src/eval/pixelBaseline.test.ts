import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageSet } from '../data/store';
import { useCpu } from '../model/model.testing';
import { gaussian, mulberry32 } from '../random';
import { DEFAULT_EVAL_SETTINGS } from './evalTypes';
import { buildOodParts } from './oodSet';
import { pixelRepresentation } from './pixelBaseline';
import { runEvalSuite } from './suite';

beforeAll(useCpu);

const SIZE = 4;

/** Class c: channel c bright (200), the others dark (30), plus seeded noise. */
function colourClasses(count: number, seed: number): ImageSet {
  const normal = gaussian(mulberry32(seed));
  const per = SIZE * SIZE * 3;
  const pixels = new Uint8Array(count * per);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 3;
    for (let p = 0; p < SIZE * SIZE; p++) {
      for (let ch = 0; ch < 3; ch++) pixels[i * per + p * 3 + ch] = Math.round((ch === i % 3 ? 200 : 30) + 10 * normal());
    }
  }
  return { size: SIZE, count, pixels, labels };
}

describe('pixelRepresentation', () => {
  it('is the flattened pixels scaled by x/127.5 − 1, in raster order', async () => {
    // One 1×2 image: pixel (0,0) = (0, 127.5, 255), pixel (0,1) = (51, 204, 255).
    const images = tf.tensor4d([0, 127.5, 255, 51, 204, 255], [1, 1, 2, 3]);
    const r = pixelRepresentation.represent(images);
    expect(r.shape).toEqual([1, 6]);
    const values = Array.from(await r.data());
    [-1, 0, 1, -0.6, 0.6, 1].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 6));
    tf.dispose([images, r]);
  });

  it('has no likelihood', () => {
    expect(pixelRepresentation.bitsPerDim).toBeUndefined();
  });

  it('through the suite: colour classes are linearly separable in pixels, bits/dim does not apply', async () => {
    const settings = { ...DEFAULT_EVAL_SETTINGS, trainSubset: 90, testSubset: 45, oodSubset: 50 };
    const flatBright: ImageSet = {
      size: SIZE,
      count: 100,
      pixels: new Uint8Array(100 * SIZE * SIZE * 3).fill(250),
      labels: new Int32Array(100).fill(-1),
    };
    const r = await runEvalSuite({
      model: pixelRepresentation,
      train: colourClasses(120, 1),
      test: colourClasses(60, 2),
      numClasses: 3,
      oodParts: buildOodParts({ name: 'bright', set: flatBright }, settings, SIZE),
      oodInfo: { name: 'bright', origin: 'builtin', state: 'ready', imageCount: 100, skipped: 0, error: null },
      settings,
      chunkSize: 16,
    });
    expect(r.linearAcc).toBe(1);
    expect(r.knnAcc).toBe(1);
    expect(r.testBpd).toBeNull();
    expect(r.oodAurocBpd).toBeNull();
    expect(r.oodParts.every((p) => p.aurocBpd === null)).toBe(true);
    // A flat white square points away from every (bright, dark, dark) training image in pixel space.
    expect(r.oodParts.find((p) => p.name === 'bright')?.aurocFeature).toBe(1);
    expect(r.corruptions).toHaveLength(25);
    expect(r.ece).not.toBeNull();
  });
});
