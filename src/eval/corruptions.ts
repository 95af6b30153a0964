// Image corruptions for the robustness evaluation (docs/evaluations.md#robustness), in the style of CIFAR-10-C
// (Hendrycks & Dietterich 2019, make_cifar_c.py), generated on the device with tfjs ops so the test
// set never has to round-trip through the CPU. Severity constants are CIFAR-10-C's (defined for
// 32×32 images; blur sigma is in pixels as there, pixelation is a fraction of the image size).
//
// Input and output: a batch [n, S, S, 3] of float pixel values in 0..255; the output is clipped to
// 0..255 and not rounded (the model scales pixels itself). Only Gaussian noise is random. Its noise
// is drawn per image, from a generator seeded by (seed, the image's index in its set, severity), so an
// image gets the same noise whatever batch it is corrupted in: runs whose evaluation passes use other
// chunk sizes (the chunk size follows the patch size) are scored on the same noisy images.

import * as tf from '@tensorflow/tfjs';
import { gaussian, mixSeed, mulberry32 } from '../random';

export type CorruptionKind = 'gaussianNoise' | 'gaussianBlur' | 'contrast' | 'brightness' | 'pixelate';
export type Severity = 1 | 2 | 3 | 4 | 5;

export const CORRUPTION_KINDS: readonly CorruptionKind[] = ['gaussianNoise', 'gaussianBlur', 'contrast', 'brightness', 'pixelate'];
export const SEVERITIES: readonly Severity[] = [1, 2, 3, 4, 5];

// make_cifar_c.py, severities 1..5.
const NOISE_STD = [0.04, 0.06, 0.08, 0.09, 0.1]; // on pixels in [0, 1]
const BLUR_SIGMA = [0.4, 0.6, 0.7, 0.8, 1]; // pixels
const CONTRAST = [0.75, 0.5, 0.4, 0.3, 0.15]; // factor towards the per-channel mean
const BRIGHTNESS = [0.05, 0.1, 0.15, 0.2, 0.3]; // added to HSV value, in [0, 1]
const PIXELATE = [0.95, 0.9, 0.85, 0.75, 0.65]; // downsampled size / original size

/**
 * Applies one corruption at one severity. Row r of `images` is image `firstImage + r` of its set; its
 * noise (Gaussian noise only) depends on that index, `seed` and `severity`, not on the batch. Caller
 * owns the result.
 */
export function corrupt(images: tf.Tensor4D, kind: CorruptionKind, severity: Severity, seed: number, firstImage = 0): tf.Tensor4D {
  const [, h, w, c] = images.shape;
  if (c !== 3) throw new Error(`corrupt: expected 3 channels, got ${c}`);
  const s = severity - 1;
  return tf.tidy(() => {
    const x = tf.div(images.toFloat(), 255) as tf.Tensor4D;
    let out: tf.Tensor4D;
    switch (kind) {
      case 'gaussianNoise':
        out = tf.add(x, imageNoise(x.shape, NOISE_STD[s], seed, firstImage, severity));
        break;
      case 'gaussianBlur':
        out = applySeparable(x, blurOperator(h, BLUR_SIGMA[s]), blurOperator(w, BLUR_SIGMA[s]));
        break;
      case 'contrast': {
        const means = tf.mean(x, [1, 2], true);
        out = tf.add(tf.mul(tf.sub(x, means), CONTRAST[s]), means);
        break;
      }
      case 'brightness':
        out = brighten(x, BRIGHTNESS[s]);
        break;
      case 'pixelate':
        out = applySeparable(x, pixelateOperator(h, PIXELATE[s]), pixelateOperator(w, PIXELATE[s]));
        break;
    }
    return tf.mul(tf.clipByValue(out, 0, 1), 255) as tf.Tensor4D;
  });
}

/**
 * Gaussian noise of standard deviation `std`, one seeded stream per image. Drawn on the host, as
 * tf.randomNormal draws its values too, then uploaded once.
 */
function imageNoise(
  shape: [number, number, number, number],
  std: number,
  seed: number,
  firstImage: number,
  severity: Severity,
): tf.Tensor4D {
  const [n, h, w, c] = shape;
  const per = h * w * c;
  const values = new Float32Array(n * per);
  for (let r = 0; r < n; r++) {
    const normal = gaussian(mulberry32(mixSeed(seed, firstImage + r, severity)));
    for (let i = r * per; i < (r + 1) * per; i++) values[i] = std * normal();
  }
  return tf.tensor4d(values, shape);
}

/** Peak signal-to-noise ratio in dB between two equal-length pixel arrays (Infinity when equal). */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>, maxValue = 255): number {
  if (a.length !== b.length || a.length === 0) throw new Error('psnr: arrays must be non-empty and equal length');
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const e = a[i] - b[i];
    se += e * e;
  }
  const mse = se / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((maxValue * maxValue) / mse);
}

// CIFAR-10-C brightness: add c to the HSV value and convert back. With hue and saturation fixed an
// RGB pixel is its value times a fixed colour, so the conversion is exact as a rescale by v'/v; a
// black pixel (v = 0) has saturation 0 by convention and becomes grey v'.
function brighten(x: tf.Tensor4D, c: number): tf.Tensor4D {
  const v = tf.max(x, 3, true);
  const v2 = tf.minimum(tf.add(v, c), 1);
  const scaled = tf.mul(x, tf.div(v2, tf.maximum(v, 1e-12)));
  const grey = tf.mul(tf.onesLike(x), v2);
  return tf.where(tf.greater(tf.broadcastTo(v, x.shape), 0), scaled, grey) as tf.Tensor4D;
}

// Separable linear image operators as small matrices: out = Mh · X · Mwᵀ per image and channel.
// Both the blur (with edge clamping) and pixelation (area-average down, nearest up) are such
// operators, and a matMul on the device is cheaper and simpler than a conv with edge padding.
function applySeparable(x: tf.Tensor4D, mh: Float32Array, mw: Float32Array): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const opW = tf.tensor2d(mw, [w, w]);
  const opH = tf.tensor2d(mh, [h, h]);
  // Along width: rows of length w, out = row · Mwᵀ.
  const xw = tf.reshape(tf.transpose(x, [0, 1, 3, 2]), [n * h * c, w]);
  const yw = tf.transpose(tf.reshape(tf.matMul(xw, opW, false, true), [n, h, c, w]), [0, 3, 2, 1]); // [n, w, c, h]
  // Along height.
  const yh = tf.reshape(tf.matMul(tf.reshape(yw, [n * w * c, h]), opH, false, true), [n, w, c, h]);
  return tf.transpose(yh, [0, 3, 1, 2]) as tf.Tensor4D;
}

// Gaussian blur as a size×size matrix, skimage.filters.gaussian style: kernel truncated at 4σ
// (radius = ⌊4σ + ½⌋), normalised, and 'nearest' edges (out-of-range taps use the edge pixel).
function blurOperator(size: number, sigma: number): Float32Array {
  const radius = Math.floor(4 * sigma + 0.5);
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let t = -radius; t <= radius; t++) {
    kernel[t + radius] = Math.exp(-(t * t) / (2 * sigma * sigma));
    sum += kernel[t + radius];
  }
  const m = new Float32Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let t = -radius; t <= radius; t++) {
      const j = Math.min(size - 1, Math.max(0, i + t));
      m[i * size + j] += kernel[t + radius] / sum;
    }
  }
  return m;
}

// Pixelation as PIL does it in CIFAR-10-C: resize to ⌊size·factor⌋ with a BOX filter (each small
// pixel is the area-weighted mean of the pixels it covers), then back to size with BOX, which when
// enlarging picks the small pixel under each output pixel's centre. Returns the product Up·Down.
function pixelateOperator(size: number, factor: number): Float32Array {
  const small = Math.max(1, Math.floor(size * factor));
  const scale = size / small; // input pixels per small pixel
  const down = new Float64Array(small * size);
  for (let i = 0; i < small; i++) {
    const lo = i * scale;
    const hi = (i + 1) * scale;
    for (let j = Math.floor(lo); j < Math.min(size, Math.ceil(hi)); j++) {
      const overlap = Math.min(hi, j + 1) - Math.max(lo, j);
      if (overlap > 0) down[i * size + j] = overlap / scale;
    }
  }
  const m = new Float32Array(size * size);
  for (let o = 0; o < size; o++) {
    const i = Math.min(small - 1, Math.floor(((o + 0.5) * small) / size));
    for (let j = 0; j < size; j++) m[o * size + j] = down[i * size + j];
  }
  return m;
}
