import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORRUPTION_KINDS, SEVERITIES, corrupt, psnr } from './corruptions';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

// A "real-ish" batch: smooth colour gradients plus a fine texture, kept inside 15..240 so that no
// corruption starts out clipped. Two images that differ, so per-image statistics matter.
function testImages(size = 32): tf.Tensor4D {
  const data = new Float32Array(2 * size * size * 3);
  for (let b = 0; b < 2; b++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          const ramp = c === 0 ? x / (size - 1) : c === 1 ? y / (size - 1) : (x + y) / (2 * (size - 1));
          const texture = Math.sin(1.3 * x + 0.7 * y + 2 * c + b) * Math.cos(0.9 * y - 0.4 * x);
          data[((b * size + y) * size + x) * 3 + c] = 40 + 140 * (b === 0 ? ramp : 1 - ramp) + 25 * texture;
        }
      }
    }
  }
  return tf.tensor4d(data, [2, size, size, 3]);
}

describe('corruptions', () => {
  it('psnr matches known values', () => {
    expect(psnr([0, 0], [255, 255])).toBeCloseTo(0, 10);
    expect(psnr([10, 20], [11, 21])).toBeCloseTo(10 * Math.log10(255 * 255), 10); // MSE 1 → 48.13 dB
    expect(psnr([1, 2], [1, 2])).toBe(Infinity);
  });

  for (const kind of CORRUPTION_KINDS) {
    it(`${kind}: deterministic for a seed, in range, and PSNR strictly falls with severity`, async () => {
      const clean = testImages();
      const cleanData = await clean.data();
      const before = tf.memory().numTensors;
      const psnrs: number[] = [];
      for (const severity of SEVERITIES) {
        const a = corrupt(clean, kind, severity, 42);
        const b = corrupt(clean, kind, severity, 42);
        expect(a.shape).toEqual(clean.shape);
        const [da, db] = await Promise.all([a.data(), b.data()]);
        expect(Array.from(da)).toEqual(Array.from(db));
        let min = Infinity;
        let max = -Infinity;
        for (const v of da) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        expect(min).toBeGreaterThanOrEqual(0);
        expect(max).toBeLessThanOrEqual(255);
        psnrs.push(psnr(cleanData, da));
        tf.dispose([a, b]);
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(Number.isFinite(psnrs[0])).toBe(true);
      for (let s = 1; s < psnrs.length; s++) expect(psnrs[s]).toBeLessThan(psnrs[s - 1]);
      clean.dispose();
    });
  }

  it('gaussian noise is drawn per image: an image gets the same noise in any batch, at any position', async () => {
    const clean = testImages(); // images 0 and 1
    const both = await corrupt(clean, 'gaussianNoise', 2, 9, 10).data(); // they are images 10 and 11 of their set
    const second = tf.slice(clean, [1, 0, 0, 0], [1, 32, 32, 3]);
    const alone = await corrupt(second, 'gaussianNoise', 2, 9, 11).data();
    const per = 32 * 32 * 3;
    expect(Array.from(alone)).toEqual(Array.from(both.subarray(per)));
    // Another index, another noise pattern.
    const elsewhere = await corrupt(second, 'gaussianNoise', 2, 9, 12).data();
    expect(Array.from(elsewhere)).not.toEqual(Array.from(alone));
  });

  it('gaussian noise has the CIFAR-10-C standard deviation for its severity and no bias', async () => {
    // Mid-grey images: nothing is clipped at these severities, so out − x is the noise itself.
    const grey = tf.fill([4, 32, 32, 3], 128) as tf.Tensor4D;
    const stds = [0.04, 0.06, 0.08, 0.09, 0.1];
    for (const severity of SEVERITIES) {
      const out = await corrupt(grey, 'gaussianNoise', severity, 3).data();
      let sum = 0;
      let squares = 0;
      for (const v of out) {
        const e = (v - 128) / 255;
        sum += e;
        squares += e * e;
      }
      const mean = sum / out.length;
      const std = Math.sqrt(squares / out.length - mean * mean);
      // 12,288 draws: the sample std is within ~0.7% (1σ) of the true one, the mean within ~0.01σ.
      expect(Math.abs(std / stds[severity - 1] - 1)).toBeLessThan(0.03);
      expect(Math.abs(mean)).toBeLessThan(0.04 * stds[severity - 1]);
    }
    grey.dispose();
  });

  it('gaussian noise changes with the seed', async () => {
    const clean = testImages();
    const a = await corrupt(clean, 'gaussianNoise', 3, 1).data();
    const b = await corrupt(clean, 'gaussianNoise', 3, 2).data();
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('blur, pixelate and contrast leave a constant image unchanged (edges handled, weights sum to 1)', async () => {
    const flat = tf.fill([1, 32, 32, 3], 100) as tf.Tensor4D;
    for (const kind of ['gaussianBlur', 'pixelate', 'contrast'] as const) {
      const out = await corrupt(flat, kind, 5, 0).data();
      for (const v of out) expect(v).toBeCloseTo(100, 3);
    }
  });

  it('brightness adds to the HSV value, keeping hue and saturation', async () => {
    // Pixel (100, 50, 0): v = 100/255; severity 1 adds 0.05 → ×(100/255 + 0.05)/(100/255) = ×1.1275
    // → (112.75, 56.375, 0). A black pixel has saturation 0 and becomes grey 0.05·255 = 12.75.
    const img = tf.tensor4d([100, 50, 0, 0, 0, 0], [1, 1, 2, 3]);
    const out = await corrupt(img, 'brightness', 1, 0).data();
    const expected = [112.75, 56.375, 0, 12.75, 12.75, 12.75];
    expected.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 3));
  });

  it('contrast pulls each channel toward its own per-image mean', async () => {
    // One channel-row [0, 100, 200] (mean 100) at factor 0.75 → [25, 100, 175].
    const img = tf.tensor4d([0, 0, 0, 100, 100, 100, 200, 200, 200], [1, 1, 3, 3]);
    const out = await corrupt(img, 'contrast', 1, 0).data();
    [25, 25, 25, 100, 100, 100, 175, 175, 175].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 3));
  });
});
