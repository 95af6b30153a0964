import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyViews, augmentViews, cleanView, drawViewParams } from './augment';
import { fakeImages, useCpu } from './model.testing';

beforeAll(useCpu);

describe('augmentations', () => {
  const images = fakeImages(6, 16, 2);
  afterAll(() => images.dispose());

  it('views keep shape and stay in [0, 255]; same (seed, step) gives the same views', async () => {
    const before = tf.memory().numTensors;
    const a = augmentViews(images, 1, 4);
    const b = augmentViews(images, 1, 4);
    const c = augmentViews(images, 1, 5);
    const d = augmentViews(images, 2, 4);
    expect(a.shape).toEqual([12, 16, 16, 3]);
    const va = await a.data();
    expect(Math.min(...va)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...va)).toBeLessThanOrEqual(255);
    expect(Array.from(await b.data())).toEqual(Array.from(va));
    expect(Array.from(await c.data())).not.toEqual(Array.from(va));
    expect(Array.from(await d.data())).not.toEqual(Array.from(va));
    tf.dispose([a, b, c, d]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the two views of an image differ from each other', async () => {
    const v = augmentViews(images, 3, 0);
    const [v1, v2] = tf.split(v, 2, 0);
    const diff = await tf.mean(tf.abs(tf.sub(v1, v2)), [1, 2, 3]).data();
    for (const x of diff) expect(x).toBeGreaterThan(0.5);
    tf.dispose([v, v1, v2]);
  });

  it('an identity crop with identity colour reproduces the image; x1 > x2 flips it', async () => {
    const eye = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const params = {
      boxes: Float32Array.from([0, 0, 1, 1, 0, 1, 1, 0]),
      boxIndex: Int32Array.from([0, 0]),
      pixelMatrix: Float32Array.from([...eye, ...eye]),
      meanMatrix: new Float32Array(18),
    };
    const out = applyViews(images, params);
    const first = tf.slice(images, [0, 0, 0, 0], [1, 16, 16, 3]);
    const expected = tf.concat([first, tf.reverse(first, 2)]);
    const maxErr = (await tf.max(tf.abs(tf.sub(out, expected))).data())[0];
    expect(maxErr).toBeLessThan(1e-3);
    tf.dispose([out, first, expected]);
  });

  it('colour stage: grayscale views have equal channels; jitter is applied to about 80% of views', () => {
    const p = drawViewParams(500, 2, 9, 0);
    let gray = 0;
    let jittered = 0;
    for (let r = 0; r < 1000; r++) {
      const m = Array.from(p.pixelMatrix.subarray(r * 9, r * 9 + 9)); // Aᵀ: column j = output channel j
      const c = Array.from(p.meanMatrix.subarray(r * 9, r * 9 + 9));
      const outputs = [0, 1, 2].map((j) => [m[j], m[3 + j], m[6 + j], c[j], c[3 + j], c[6 + j]]);
      const isGray = outputs.every((o) => o.every((v, i) => Math.abs(v - outputs[0][i]) < 1e-6));
      if (isGray) gray++;
      const isIdentity = m.every((v, i) => Math.abs(v - (i % 4 === 0 ? 1 : 0)) < 1e-9) && c.every((v) => v === 0);
      if (!isIdentity) jittered++;
    }
    expect(gray / 1000).toBeGreaterThan(0.14);
    expect(gray / 1000).toBeLessThan(0.26);
    // Untouched views need both "no jitter" (0.2) and "no grayscale" (0.8): 16%.
    expect(1 - jittered / 1000).toBeGreaterThan(0.11);
    expect(1 - jittered / 1000).toBeLessThan(0.21);
  });

  it('the clean view is the image or its mirror, exactly, deterministic per (seed, step)', async () => {
    const a = cleanView(images, 1, 3);
    const b = cleanView(images, 1, 3);
    expect(a.shape).toEqual(images.shape);
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    const orig = (await images.array()) as number[][][][];
    const mirror = (await tf.reverse(images, 2).array()) as number[][][][];
    const got = (await a.array()) as number[][][][];
    let flipped = 0;
    got.forEach((img, i) => {
      const same = JSON.stringify(img) === JSON.stringify(orig[i]);
      const mirrored = JSON.stringify(img) === JSON.stringify(mirror[i]);
      expect(same || mirrored).toBe(true);
      if (!same) flipped++;
    });
    // Over many images about half are mirrored (each image differs from its mirror).
    const source = fakeImages(200, 4, 1);
    const many = cleanView(source, 5, 0);
    expect(many.shape).toEqual([200, 4, 4, 3]);
    const same = await tf.all(tf.equal(many, source), [1, 2, 3]).data();
    const mirrored = Array.from(same).filter((v) => v === 0).length;
    expect(mirrored).toBeGreaterThan(70);
    expect(mirrored).toBeLessThan(130);
    tf.dispose([a, b, many, source]);
    expect(flipped).toBeLessThanOrEqual(6);
  });
});
