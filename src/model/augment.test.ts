import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUGMENT,
  applyViews,
  augmentViews,
  cleanView,
  colourMatrices,
  drawCleanFlips,
  drawViews,
  viewParams,
  type ViewDraw,
} from './augment';
import { fakeImages, useCpu } from './model.testing';

beforeAll(useCpu);

const GRAY = [0.299, 0.587, 0.114];
const gray = ([r, g, b]: number[]) => GRAY[0] * r + GRAY[1] * g + GRAY[2] * b;

/** One view of `image` [1,h,w,3] with the whole image as its crop and the given colour draw. */
async function colourOnly(pixels: number[][], colour: Pick<ViewDraw, 'jitter' | 'grayscale'>): Promise<number[][]> {
  const image = tf.tensor4d(pixels.flat(), [1, 1, pixels.length, 3]);
  const draw: ViewDraw = { crop: [0, 0, 1, 1], flip: false, ...colour };
  const out = applyViews(image, viewParams([draw], 1));
  const values = Array.from(await out.data());
  tf.dispose([image, out]);
  return pixels.map((_, i) => values.slice(3 * i, 3 * i + 3));
}

function expectPixels(actual: number[][], expected: number[][]): void {
  actual.forEach((p, i) => p.forEach((v, c) => expect(v, `pixel ${i} channel ${c}`).toBeCloseTo(expected[i][c], 3)));
}

const only = (op: number, value: Partial<Record<'brightness' | 'contrast' | 'saturation' | 'hue', number>>) => ({
  jitter: { brightness: 1, contrast: 1, saturation: 1, hue: 0, order: [op], ...value },
  grayscale: false,
});

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

  it('crops and flips by the box: known values on a ramp image', async () => {
    // A 5×5 image whose red channel is 10·column and green 10·row; bilinear sampling of a ramp is exact.
    const ramp = tf.tensor4d(Array.from({ length: 25 }, (_, k) => [10 * (k % 5), 10 * Math.floor(k / 5), 7]).flat(), [1, 5, 5, 3]);
    const none = { jitter: null, grayscale: false };
    const draws: ViewDraw[] = [
      { crop: [0, 0, 1, 1], flip: false, ...none },
      { crop: [0, 0.25, 1, 0.75], flip: false, ...none }, // columns 1..3 resampled to 5: 1, 1.5, 2, 2.5, 3
      { crop: [0, 0.25, 1, 0.75], flip: true, ...none },
      { crop: [0.5, 0, 1, 1], flip: false, ...none }, // rows 2..4: 2, 2.5, 3, 3.5, 4
    ];
    const out = (await applyViews(ramp, viewParams(draws, 1)).array()) as number[][][][];
    const row = (v: number, y: number, c: number) => out[v][y].map((p) => p[c]);
    const col = (v: number, x: number, c: number) => out[v].map((r) => r[x][c]);
    expect(row(0, 2, 0)).toEqual([0, 10, 20, 30, 40]);
    row(1, 3, 0).forEach((v, j) => expect(v).toBeCloseTo([10, 15, 20, 25, 30][j], 4));
    row(2, 3, 0).forEach((v, j) => expect(v).toBeCloseTo([30, 25, 20, 15, 10][j], 4));
    col(3, 1, 1).forEach((v, i) => expect(v).toBeCloseTo([20, 25, 30, 35, 40][i], 4));
    expect(col(3, 1, 2).every((v) => Math.abs(v - 7) < 1e-4)).toBe(true);
    ramp.dispose();
  });

  it('colour ops give known values: brightness, contrast, saturation, grayscale, and hue keeps luma', async () => {
    const pixels = [
      [100, 50, 200],
      [0, 0, 0],
      [250, 10, 30],
    ];
    // Brightness scales, and the result is clipped to 255.
    expectPixels(await colourOnly(pixels, only(0, { brightness: 1.2 })), [
      [120, 60, 240],
      [0, 0, 0],
      [255, 12, 36],
    ]);
    // Contrast blends with the gray value of the image's mean colour.
    const mean = [0, 1, 2].map((c) => pixels.reduce((s, p) => s + p[c], 0) / 3);
    const g = gray(mean);
    expectPixels(
      await colourOnly(pixels, only(1, { contrast: 0.5 })),
      pixels.map((p) => p.map((v) => 0.5 * v + 0.5 * g)),
    );
    // Saturation blends each pixel with its own gray value; 0 makes it gray.
    expectPixels(
      await colourOnly(pixels, only(2, { saturation: 0 })),
      pixels.map((p) => [gray(p), gray(p), gray(p)]),
    );
    expectPixels(
      await colourOnly(pixels.slice(0, 2), only(2, { saturation: 1.3 })),
      pixels.slice(0, 2).map((p) => p.map((v) => 1.3 * v - 0.3 * gray(p))),
    );
    // Grayscale (after jitter): every channel is the gray value.
    expectPixels(
      await colourOnly(pixels, { jitter: null, grayscale: true }),
      pixels.map((p) => [gray(p), gray(p), gray(p)]),
    );
    // Hue rotates chroma: luma stays, the colour changes; hue 0 is the identity.
    const turned = await colourOnly(pixels.slice(0, 1), only(3, { hue: 0.1 }));
    expect(gray(turned[0])).toBeCloseTo(gray(pixels[0]), 3);
    expect(Math.abs(turned[0][0] - pixels[0][0]) + Math.abs(turned[0][2] - pixels[0][2])).toBeGreaterThan(20);
    expectPixels(await colourOnly(pixels, only(3, { hue: 0 })), pixels);
  });

  it('draws crops, flips, jitter and grayscale from exactly the SimCLR ranges and probabilities', () => {
    const draws = drawViews(2000, 2, 9, 0);
    const n = draws.length;
    const areas: number[] = [];
    const ratios: number[] = [];
    // Where the crop sits within the room it has (0: top or left edge, 1: bottom or right): uniform.
    const places: number[] = [];
    for (const { crop } of draws) {
      const [y1, x1, y2, x2] = crop;
      expect(Math.min(y1, x1)).toBeGreaterThanOrEqual(0);
      expect(Math.max(y2, x2)).toBeLessThanOrEqual(1 + 1e-12);
      areas.push((y2 - y1) * (x2 - x1));
      ratios.push((x2 - x1) / (y2 - y1));
      if (y2 - y1 < 0.99) places.push(y1 / (1 - (y2 - y1)));
      if (x2 - x1 < 0.99) places.push(x1 / (1 - (x2 - x1)));
    }
    const meanPlace = places.reduce((sum, v) => sum + v, 0) / places.length;
    expect(Math.abs(meanPlace - 0.5)).toBeLessThan(4 / Math.sqrt(12 * places.length));
    const [minArea, maxArea] = AUGMENT.cropScale;
    const [minRatio, maxRatio] = AUGMENT.cropRatio;
    expect([minArea, maxArea, minRatio, maxRatio]).toEqual([0.2, 1, 3 / 4, 4 / 3]);
    expect(Math.min(...areas)).toBeGreaterThanOrEqual(0.2 - 1e-9);
    expect(Math.min(...areas)).toBeLessThan(0.21); // the whole range is used
    expect(Math.max(...areas)).toBeLessThanOrEqual(1 + 1e-9);
    expect(Math.max(...areas)).toBeGreaterThan(0.95);
    expect(Math.min(...ratios)).toBeGreaterThanOrEqual(3 / 4 - 1e-9);
    expect(Math.min(...ratios)).toBeLessThan(0.76);
    expect(Math.max(...ratios)).toBeLessThanOrEqual(4 / 3 + 1e-9);
    expect(Math.max(...ratios)).toBeGreaterThan(1.31);

    // Rates within 4 binomial standard deviations of p over n draws.
    const rate = (count: number, p: number) => expect(Math.abs(count / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    rate(draws.filter((d) => d.flip).length, 0.5);
    rate(draws.filter((d) => d.grayscale).length, 0.2);
    const jittered = draws.flatMap((d) => (d.jitter ? [d.jitter] : []));
    rate(jittered.length, 0.8);
    expect(AUGMENT.jitterStrength).toEqual({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 });
    for (const [key, lo, hi] of [
      ['brightness', 0.6, 1.4],
      ['contrast', 0.6, 1.4],
      ['saturation', 0.6, 1.4],
      ['hue', -0.1, 0.1],
    ] as const) {
      const values = jittered.map((j) => j[key]);
      const width = hi - lo;
      expect(Math.min(...values)).toBeGreaterThanOrEqual(lo);
      expect(Math.min(...values)).toBeLessThan(lo + 0.01 * width);
      expect(Math.max(...values)).toBeLessThanOrEqual(hi);
      expect(Math.max(...values)).toBeGreaterThan(hi - 0.01 * width);
      // Uniform: the mean is the middle, within 4 standard errors.
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      expect(Math.abs(mean - (lo + hi) / 2)).toBeLessThan((4 * width) / Math.sqrt(12 * values.length));
    }
    // Every one of the 24 orders of the four ops occurs, none far from 1/24.
    const orders = new Map<string, number>();
    for (const j of jittered) orders.set(j.order.join(''), (orders.get(j.order.join('')) ?? 0) + 1);
    expect(orders.size).toBe(24);
    for (const count of orders.values()) expect(Math.abs(count / jittered.length - 1 / 24)).toBeLessThan(0.02);
  });

  it('the view parameters are the draws: flipped boxes swap x, row r crops image r mod B, matrices as drawn', () => {
    const draws = drawViews(3, 2, 4, 7);
    const params = viewParams(draws, 3);
    draws.forEach((draw, r) => {
      const [y1, x1, y2, x2] = draw.crop;
      expect(Array.from(params.boxes.subarray(4 * r, 4 * r + 4))).toEqual(
        Array.from(Float32Array.from(draw.flip ? [y1, x2, y2, x1] : [y1, x1, y2, x2])),
      );
      expect(params.boxIndex[r]).toBe(r % 3);
      const { a, c } = colourMatrices(draw);
      // Stored transposed, for x·Aᵀ on row vectors.
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          expect(params.pixelMatrix[9 * r + 3 * j + i]).toBeCloseTo(a[3 * i + j], 6);
          expect(params.meanMatrix[9 * r + 3 * j + i]).toBeCloseTo(c[3 * i + j], 6);
        }
      }
    });
  });

  it('the clean view mirrors exactly the images its flips say, about half of them, per (seed, step)', async () => {
    const flips = drawCleanFlips(6, 1, 3);
    const out = (await cleanView(images, 1, 3).array()) as number[][][][];
    const orig = (await images.array()) as number[][][][];
    const mirror = (await tf.reverse(images, 2).array()) as number[][][][];
    out.forEach((img, i) => expect(img).toEqual(flips[i] ? mirror[i] : orig[i]));
    expect(flips).toContain(true);
    expect(flips).toContain(false);
    const many = drawCleanFlips(4000, 5, 0);
    expect(Math.abs(many.filter(Boolean).length / 4000 - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / 4000));
    expect(drawCleanFlips(64, 5, 1)).not.toEqual(many.slice(0, 64));
    expect(drawCleanFlips(64, 5, 0)).toEqual(many.slice(0, 64)); // a batch's flips do not depend on its size
  });
});
