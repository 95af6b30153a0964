// SimCLR augmentations for small images as a handful of batched tfjs ops (docs/model.md#views).
// Random parameters are drawn on the host from a PRNG keyed by (seed, step), so a step's views are
// reproducible on any backend; only small per-image arrays are uploaded.
//
// Geometry: one cropAndResize over all views; a horizontal flip is a crop box with x1 > x2.
// Colour: brightness, contrast, saturation and hue (in a random order per image, p = 0.8) and
// grayscale (p = 0.2) are all affine in the pixel and in the image's mean colour μ:
//   out = A·x + C·μ   (A, C per-image 3×3, composed on the host)
// so the whole colour stage is two batched matMuls. Differences from torchvision: values are clipped
// to [0, 255] once at the end rather than after every jitter op, and hue rotates chroma in YIQ
// space instead of shifting H in HSV (both are small at hue ≤ 0.1).
import * as tf from '@tensorflow/tfjs';
import { patchesOf } from './embed';
import { Rng, hashSeed } from './rng';
import { AUGMENT_ROW, augmentFused, augmentNeeds } from './webgpu/augment';
import { runsFused } from './webgpu/limits';

const GRAY = [0.299, 0.587, 0.114]; // torchvision rgb_to_grayscale weights
const RGB_TO_YIQ = [0.299, 0.587, 0.114, 0.596, -0.274, -0.322, 0.211, -0.523, 0.312];
const VIEW_STREAM = 0x5eed01;
const CLEAN_STREAM = 0x5eed02;

export type Mat3 = number[]; // row-major 3×3

function mul3(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) out[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
  return out;
}

function add3(a: Mat3, b: Mat3): Mat3 {
  return a.map((v, i) => v + b[i]);
}

function scale3(a: Mat3, s: number): Mat3 {
  return a.map((v) => v * s);
}

function inverse3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h,
    B = -(d * i - f * g),
    C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d].map((v) => v / det);
}

const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const TO_GRAY: Mat3 = [...GRAY, ...GRAY, ...GRAY]; // every channel ← gray value (rows = 1·wᵀ)
const YIQ_TO_RGB = inverse3(RGB_TO_YIQ);

/** Rotation of the chroma plane by `hue` turns, expressed on RGB. */
function hueMatrix(hue: number): Mat3 {
  const c = Math.cos(2 * Math.PI * hue);
  const s = Math.sin(2 * Math.PI * hue);
  return mul3(YIQ_TO_RGB, mul3([1, 0, 0, 0, c, -s, 0, s, c], RGB_TO_YIQ));
}

/** Host-side parameters of one batch of views. */
export interface ViewParams {
  boxes: Float32Array; // [V, 4] normalised [y1, x1, y2, x2]; x1 > x2 flips
  boxIndex: Int32Array; // [V] source image of each view
  pixelMatrix: Float32Array; // [V, 3, 3] Aᵀ (for x·Aᵀ on row vectors)
  meanMatrix: Float32Array; // [V, 3, 3] Cᵀ
}

/** SimCLR's colour jitter (strengths 0.4, 0.4, 0.4, 0.1): factors and the order the four ops run in. */
export interface ColourJitter {
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
  /** A permutation of 0 brightness, 1 contrast, 2 saturation, 3 hue. */
  order: number[];
}

/** What was drawn for one view, before it becomes a crop box and colour matrices. */
export interface ViewDraw {
  /** Normalised [y1, x1, y2, x2], unflipped. */
  crop: [number, number, number, number];
  flip: boolean;
  /** null: no jitter (p = 0.2). */
  jitter: ColourJitter | null;
  grayscale: boolean;
}

export const AUGMENT = {
  cropScale: [0.2, 1],
  cropRatio: [3 / 4, 4 / 3],
  flipP: 0.5,
  jitterP: 0.8,
  /** brightness, contrast and saturation factors are drawn from [1 − s, 1 + s], hue from [−h, h]. */
  jitterStrength: { brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 },
  grayscaleP: 0.2,
} as const;

/** torchvision RandomResizedCrop(scale 0.2–1, ratio 3/4–4/3) in normalised coordinates. */
function drawCrop(rng: Rng): [number, number, number, number] {
  const [minScale, maxScale] = AUGMENT.cropScale;
  const [minRatio, maxRatio] = AUGMENT.cropRatio;
  for (let attempt = 0; attempt < 10; attempt++) {
    const area = rng.uniform(minScale, maxScale);
    const ratio = Math.exp(rng.uniform(Math.log(minRatio), Math.log(maxRatio)));
    const w = Math.sqrt(area * ratio);
    const h = Math.sqrt(area / ratio);
    if (w <= 1 && h <= 1) {
      const y = rng.uniform(0, 1 - h);
      const x = rng.uniform(0, 1 - w);
      return [y, x, y + h, x + w];
    }
  }
  return [0, 0, 1, 1];
}

function drawJitter(rng: Rng): ColourJitter | null {
  if (!rng.bernoulli(AUGMENT.jitterP)) return null;
  const strength = AUGMENT.jitterStrength;
  const brightness = rng.uniform(1 - strength.brightness, 1 + strength.brightness);
  const contrast = rng.uniform(1 - strength.contrast, 1 + strength.contrast);
  const saturation = rng.uniform(1 - strength.saturation, 1 + strength.saturation);
  const hue = rng.uniform(-strength.hue, strength.hue);
  const order = [0, 1, 2, 3];
  for (let i = 3; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return { brightness, contrast, saturation, hue, order };
}

/** The colour stage of one view as (A, C): out = A·x + C·μ, with μ the view's mean colour. */
export function colourMatrices({ jitter, grayscale }: Pick<ViewDraw, 'jitter' | 'grayscale'>): { a: Mat3; c: Mat3 } {
  let a = IDENTITY;
  let c: Mat3 = new Array<number>(9).fill(0);
  const linear = (m: Mat3) => {
    a = mul3(m, a);
    c = mul3(m, c);
  };
  if (jitter) {
    for (const op of jitter.order) {
      if (op === 0) linear(scale3(IDENTITY, jitter.brightness));
      else if (op === 2) linear(add3(scale3(IDENTITY, jitter.saturation), scale3(TO_GRAY, 1 - jitter.saturation)));
      else if (op === 3) linear(hueMatrix(jitter.hue));
      else {
        // Blend with the mean gray of the current image: mean of (A x + C μ) is (A + C) μ.
        const meanGray = mul3(TO_GRAY, add3(a, c));
        a = scale3(a, jitter.contrast);
        c = add3(scale3(c, jitter.contrast), scale3(meanGray, 1 - jitter.contrast));
      }
    }
  }
  if (grayscale) linear(TO_GRAY);
  return { a, c };
}

function transposeInto(target: Float32Array, offset: number, m: Mat3): void {
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) target[offset + j * 3 + i] = m[i * 3 + j];
}

/** The draws for `views` augmented views of each of `batch` images at (seed, step); view v of image i is row v·B+i. */
export function drawViews(batch: number, views: number, seed: number, step: number): ViewDraw[] {
  const rng = new Rng(hashSeed(seed, step, VIEW_STREAM));
  return Array.from({ length: batch * views }, () => {
    const crop = drawCrop(rng);
    const flip = rng.bernoulli(AUGMENT.flipP);
    const jitter = drawJitter(rng);
    return { crop, flip, jitter, grayscale: rng.bernoulli(AUGMENT.grayscaleP) };
  });
}

/** Crop boxes (a flip is a box with x1 > x2) and colour matrices of drawn views; row r crops image r mod batch. */
export function viewParams(draws: readonly ViewDraw[], batch: number): ViewParams {
  const n = draws.length;
  const params: ViewParams = {
    boxes: new Float32Array(n * 4),
    boxIndex: new Int32Array(n),
    pixelMatrix: new Float32Array(n * 9),
    meanMatrix: new Float32Array(n * 9),
  };
  draws.forEach((draw, r) => {
    const [y1, x1, y2, x2] = draw.crop;
    params.boxes.set(draw.flip ? [y1, x2, y2, x1] : [y1, x1, y2, x2], r * 4);
    params.boxIndex[r] = r % batch;
    const { a, c } = colourMatrices(draw);
    transposeInto(params.pixelMatrix, r * 9, a);
    transposeInto(params.meanMatrix, r * 9, c);
  });
  return params;
}

/** Draws `views` augmented views of each of `batch` images for (seed, step); view v of image i is row v·B+i. */
export function drawViewParams(batch: number, views: number, seed: number, step: number): ViewParams {
  return viewParams(drawViews(batch, views, seed, step), batch);
}

/** Applies drawn view parameters to images [B,S,S,3] (0..255) → [V,S,S,3] in [0, 255]. */
export function applyViews(images: tf.Tensor4D, params: ViewParams): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w, ch] = images.shape;
    const n = params.boxIndex.length;
    const cropped = tf.image.cropAndResize(
      images,
      tf.tensor2d(params.boxes, [n, 4]),
      tf.tensor1d(params.boxIndex, 'int32'),
      [h, w],
      'bilinear',
    );
    const pixels = tf.reshape(cropped, [n, h * w, ch]) as tf.Tensor3D;
    const mean = tf.mean(pixels, 1, true) as tf.Tensor3D; // μ per view: [V, 1, 3]
    const coloured = tf.add(
      tf.matMul(pixels, tf.tensor3d(params.pixelMatrix, [n, 3, 3])),
      tf.matMul(mean, tf.tensor3d(params.meanMatrix, [n, 3, 3])),
    );
    return tf.reshape(tf.clipByValue(coloured, 0, 255), [n, h, w, ch]) as tf.Tensor4D;
  });
}

/** The contrastive views of a training step: [views·B, S, S, 3]. */
export function augmentViews(images: tf.Tensor4D, seed: number, step: number, views = 2): tf.Tensor4D {
  return applyViews(images, drawViewParams(images.shape[0], views, seed, step));
}

/** Which images of a batch of `batch` the clean view of (seed, step) mirrors (p = 0.5 each). */
export function drawCleanFlips(batch: number, seed: number, step: number): boolean[] {
  const rng = new Rng(hashSeed(seed, step, CLEAN_STREAM));
  return Array.from({ length: batch }, () => rng.bernoulli(AUGMENT.flipP));
}

/** The clean view for L_gen: horizontal flip with p = 0.5 only, values untouched (exact integers). */
export function cleanView(images: tf.Tensor4D, seed: number, step: number): tf.Tensor4D {
  const b = images.shape[0];
  const flags = drawCleanFlips(b, seed, step);
  // A 0/1 blend rather than tf.where: where broadcasts its [B,1,1,1] mask with a Tile, which
  // tfjs-backend-wasm runs element by element in JS. 1·x + 0·y is exact, so pixels stay integers.
  return tf.tidy(() => {
    const flip = tf.tensor4d(
      flags.map((f) => (f ? 1 : 0)),
      [b, 1, 1, 1],
    );
    const keep = tf.tensor4d(
      flags.map((f) => (f ? 0 : 1)),
      [b, 1, 1, 1],
    );
    return tf.add(tf.mul(tf.reverse(images, 2), flip), tf.mul(images, keep)) as tf.Tensor4D;
  });
}

/** The fused kernel's parameter table: the clean rows (identity crop or its mirror), then the views. */
function augmentTable(batch: number, seed: number, step: number, clean: boolean, views: boolean): Float32Array {
  const rows: number[][] = [];
  if (clean) {
    drawCleanFlips(batch, seed, step).forEach((flip, b) =>
      rows.push([0, flip ? 1 : 0, 1, flip ? 0 : 1, b, ...[1, 0, 0, 0, 1, 0, 0, 0, 1], ...new Array<number>(9).fill(0)]),
    );
  }
  if (views) {
    const params = drawViewParams(batch, 2, seed, step);
    for (let r = 0; r < params.boxIndex.length; r++) {
      rows.push([
        ...params.boxes.subarray(4 * r, 4 * r + 4),
        params.boxIndex[r],
        ...params.pixelMatrix.subarray(9 * r, 9 * r + 9),
        ...params.meanMatrix.subarray(9 * r, 9 * r + 9),
      ]);
    }
  }
  const table = new Float32Array(rows.length * AUGMENT_ROW);
  rows.forEach((row, i) => table.set(row, i * AUGMENT_ROW));
  return table;
}

/** A step's encoder input: see stepImages. */
export interface StepImages {
  /** [clean | view 1 | view 2] rows, [(clean ? B : 0) + (views ? 2B : 0), S, S, 3]; null when neither. */
  input: tf.Tensor4D | null;
  /** The clean images as patches [B, N, P·P·3] (the generative targets); null without clean rows. */
  cleanPatches: tf.Tensor3D | null;
  batch: number;
  withViews: boolean;
}

/**
 * A training step's encoder input: the clean images (when `clean`), then their two augmented views
 * (when `views`); and, with `clean`, the clean images as patches for the generative loss. One kernel
 * on webgpu (webgpu/augment.ts).
 */
export function stepImages(
  images: tf.Tensor4D,
  seed: number,
  step: number,
  patch: number,
  { clean, views }: { clean: boolean; views: boolean },
): StepImages {
  const [b, s] = images.shape;
  if (!clean && !views) return { input: null, cleanPatches: null, batch: b, withViews: false };
  if (runsFused('augment', () => augmentNeeds(3 * b * s * s * 3 * 4))) {
    const table = augmentTable(b, seed, step, clean, views);
    const { out, cleanPatches } = augmentFused(images, tf.tensor2d(table, [table.length / AUGMENT_ROW, AUGMENT_ROW]), patch, clean ? b : 0);
    return { input: out, cleanPatches, batch: b, withViews: views };
  }
  const cleanImages = clean ? cleanView(images, seed, step) : null;
  const viewImages = views ? augmentViews(images, seed, step) : null;
  const input =
    cleanImages && viewImages ? (tf.concat([cleanImages, viewImages], 0) as tf.Tensor4D) : ((cleanImages ?? viewImages) as tf.Tensor4D);
  return { input, cleanPatches: cleanImages ? patchesOf(cleanImages, patch) : null, batch: b, withViews: views };
}
