// Fused layers with hand-written gradients, written for tfjs's costs (measured by `npm run bench`): autodiff through small ops dispatches a kernel per op plus an Identity per saved
// input and a Cast per gradient of a saved input, so each layer here saves only what its gradient
// needs and computes that gradient in a few large kernels.
import * as tf from '@tensorflow/tfjs';
import { layerNormBackwardFused, layerNormForwardFused, layerNormNeeds, residualLayerNormForwardFused } from './webgpu/layerNorm';
import { columnSumFused, columnSumNeeds } from './webgpu/columnSum';
import { biasGeluFused, biasGeluGradFused, geluNeeds } from './webgpu/gelu';
import { runsFused } from './webgpu/limits';

/**
 * tfjs-backend-wasm only sends a matmul to XNNPACK when neither operand is transposed and both are
 * 2-D (batch 1); every other BatchMatMul runs a much slower scalar loop (batch_mat_mul_impl.cc).
 * Autodiff of x·W produces dy·Wᵀ and xᵀ·dy, so on wasm we transpose explicitly (a cheap copy)
 * and multiply untransposed. Other backends take the transpose flags natively.
 */
function plainOperandsOnly(): boolean {
  return tf.getBackend() === 'wasm';
}

/** a·b with optional transposes, routed to the fast matmul of the active backend. */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  if (!plainOperandsOnly()) return tf.matMul(a, b, transposeA, transposeB);
  return tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b);
}

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
type Forward = { value: tf.Tensor; gradFunc: Grad };

/**
 * tf.customGrad with several inputs (its declared type admits one; its runtime takes several), and
 * a gradient that frees its temporaries: tfjs runs a custom gradient outside any tidy, and keeps
 * every tensor made during backprop until the whole gradient computation ends.
 */
export function customOp<A extends tf.Tensor[]>(f: (...args: [...A, tf.GradSaveFunc]) => Forward): (...args: A) => tf.Tensor {
  const tidied = (...args: [...A, tf.GradSaveFunc]): Forward => {
    const { value, gradFunc } = f(...args);
    return { value, gradFunc: (dy, saved) => tf.tidy(() => gradFunc(dy, saved)) };
  };
  return tf.customGrad(tidied as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...args: A) => tf.Tensor;
}

/** Column sums of x [R, C] → [C] (one dispatch on webgpu, webgpu/columnSum.ts). */
export function colSum(x: tf.Tensor2D): tf.Tensor1D {
  if (runsFused('columnSum', () => columnSumNeeds(x.shape[0], x.shape[1]))) return columnSumFused(x);
  return tf.sum(x, 0);
}

/**
 * [xᵀ·dy, Σ_rows dy] for x [R, in], dy [R, out]: a dense layer's weight and bias gradients. On wasm
 * XNNPACK packs the right operand of a matMul (a tall [R, ·] matrix here) before multiplying, which
 * costs more than the product when it is wide (`npm run bench -- --kernels` shows it: with dy on the
 * right it took about twice as long as (dyᵀ·x)ᵀ). So the narrower operand goes on the right and the wider
 * one is transposed; when that is dy, the bias gradient is a row sum of dyᵀ, the innermost axis,
 * where Σ_rows dy would make wasm's Sum transpose dy again.
 */
export function weightGradients(x: tf.Tensor2D, dy: tf.Tensor2D): [tf.Tensor2D, tf.Tensor1D] {
  if (!plainOperandsOnly()) return [tf.matMul(x, dy, true, false), colSum(dy)];
  if (x.shape[1] >= dy.shape[1]) return [tf.matMul(tf.transpose(x), dy), tf.sum(dy, 0)];
  const dyT = tf.transpose(dy);
  return [tf.transpose(tf.matMul(dyT, x)) as tf.Tensor2D, tf.sum(dyT, 1)];
}

/**
 * x [R, in] · w [in, out] + b [out]. The bias is fused into the matMul except on wasm, whose fused
 * kernel checks the rank of the bias's *storage*, which reshape and gather leave at 2-D or 4-D (a
 * bias sliced from the generative head, or every bias after an optimizer step); there it is a
 * broadcast add.
 */
export function denseForward(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return (plainOperandsOnly() ? tf.add(tf.matMul(x, w), b) : tf.fused.matMul({ a: x, b: w, bias: b })) as tf.Tensor2D;
}

/**
 * Backward of several dense layers reading the same x (the q, k, v projections): [Σ dx, dws, dbs].
 * On wasm x is transposed once for all of them instead of once each.
 */
export function sharedInputBackward(x: tf.Tensor2D, ws: tf.Tensor2D[], dys: tf.Tensor2D[]): [tf.Tensor2D, tf.Tensor2D[], tf.Tensor1D[]] {
  const dx = tf.addN(dys.map((dy, i) => matMul2d(dy, ws[i], false, true))) as tf.Tensor2D;
  if (!plainOperandsOnly() || dys.some((dy) => dy.shape[1] > x.shape[1])) {
    const grads = dys.map((dy) => weightGradients(x, dy));
    return [dx, grads.map(([dw]) => dw), grads.map(([, db]) => db)];
  }
  const xT = tf.transpose(x);
  return [dx, dys.map((dy) => tf.matMul(xT, dy)), dys.map((dy) => tf.sum(dy, 0))];
}

/** [dx, dw, db] of y = x·w + b. */
export function denseBackward(x: tf.Tensor2D, w: tf.Tensor2D, dy: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D] {
  return [matMul2d(dy, w, false, true), ...weightGradients(x, dy)];
}

/**
 * Dense layer as one op. On wasm the output gradient is copied before use: XNNPACK keeps a packed
 * copy of a matMul's right operand until that tensor is disposed, and tfjs keeps every gradient
 * until the whole backward pass ends, so packing dy itself would hold that copy for the whole step.
 */
export const dense = customOp<[tf.Tensor2D, tf.Tensor2D, tf.Tensor1D]>((x, w, b, save) => {
  save([x, w]);
  return {
    value: denseForward(x, w, b),
    gradFunc: (dy, [xs, ws]) =>
      denseBackward(xs as tf.Tensor2D, ws as tf.Tensor2D, (plainOperandsOnly() ? tf.add(dy, 0) : dy) as tf.Tensor2D),
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

const LN_EPS = 1e-5;

/**
 * What LayerNorm's backward reads: [x̂, 1/std per row] on the tfjs-op path, or [x, (mean, 1/std) per
 * row] from the fused webgpu kernel (webgpu/layerNorm.ts); the width of the second tells them apart.
 */
export type NormSaved = [tf.Tensor2D, tf.Tensor2D];
const fusedNorm = (saved: NormSaved) => saved[1].shape[1] === 2;
const fuseNorm = (x: tf.Tensor2D) => runsFused('layerNorm', () => layerNormNeeds(x.shape[0], x.shape[1]));

/** LayerNorm over the last axis of x [R, d] with gain g and bias b [d]; also what its gradient needs. */
export function layerNormForward(x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D): { y: tf.Tensor2D; saved: NormSaved } {
  if (fuseNorm(x)) {
    const { y, saved } = layerNormForwardFused(x, g, b);
    return { y, saved: [saved.x, saved.stats] };
  }
  const centered = tf.sub(x, tf.mean(x, 1, true));
  const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centered), 1, true), LN_EPS)) as tf.Tensor2D;
  const xhat = tf.mul(centered, rstd) as tf.Tensor2D;
  return { y: tf.add(tf.mul(xhat, g), b), saved: [xhat, rstd] };
}

/** h = x + a, then LayerNorm of h: a block's residual add and its second norm (one kernel on webgpu). */
export function residualLayerNormForward(
  x: tf.Tensor2D,
  a: tf.Tensor2D,
  g: tf.Tensor1D,
  b: tf.Tensor1D,
): { h: tf.Tensor2D; y: tf.Tensor2D; saved: NormSaved } {
  if (fuseNorm(x)) {
    const { h, y, saved } = residualLayerNormForwardFused(x, a, g, b);
    return { h, y, saved: [saved.x, saved.stats] };
  }
  const h = tf.add(x, a) as tf.Tensor2D;
  return { h, ...layerNormForward(h, g, b) };
}

/**
 * [dx + residualGrad, dg, db, Σ_rows extra] with dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), ĝ = dy·g,
 * dg = Σ dy·x̂, db = Σ dy. residualGrad (the residual stream's gradient) and extra (a bias gradient's
 * rows) are optional: the fused kernels fold them into the same two dispatches.
 */
export function layerNormBackward(
  saved: NormSaved,
  g: tf.Tensor1D,
  dy: tf.Tensor2D,
  residualGrad?: tf.Tensor2D,
  extra?: tf.Tensor2D,
): [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D | null] {
  if (fusedNorm(saved)) {
    const [x, stats] = saved;
    return layerNormBackwardFused(
      { x, stats, map: { perGroup: x.shape[0], groupStride: x.shape[0], rowOffset: 0 } },
      g,
      dy,
      residualGrad,
      extra,
    );
  }
  const [xhat, rstd] = saved;
  const gh = tf.mul(dy, g);
  const inner = tf.sub(tf.sub(gh, tf.mean(gh, 1, true)), tf.mul(xhat, tf.mean(tf.mul(gh, xhat), 1, true)));
  const dx = tf.mul(inner, rstd) as tf.Tensor2D;
  return [residualGrad ? tf.add(dx, residualGrad) : dx, colSum(tf.mul(dy, xhat)), colSum(dy), extra ? colSum(extra) : null];
}

export const layerNorm2d = customOp<[tf.Tensor2D, tf.Tensor1D, tf.Tensor1D]>((x, g, b, save) => {
  const { y, saved } = layerNormForward(x, g, b);
  save([...saved, g]);
  return {
    value: y,
    gradFunc: (dy, [a, s, gain]) =>
      layerNormBackward([a, s] as NormSaved, gain as tf.Tensor1D, dy as tf.Tensor2D).slice(0, 3) as tf.Tensor[],
  };
}) as (x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor2D;

const GELU_K1 = 2 * Math.sqrt(2 / Math.PI);
const GELU_K3 = GELU_K1 * 0.044715;

/**
 * GELU, tanh approximation (GPT-2), as x·σ(2u) with u = √(2/π)(x + 0.044715x³): the same function,
 * since ½(1 + tanh u) = σ(2u), but sigmoid is a vectorised kernel where tanh is not (wasm).
 */
export function geluForward<T extends tf.Tensor>(x: T): T {
  if (runsFused('gelu', () => geluNeeds(x.size))) return biasGeluFused(x);
  return tf.mul(x, tf.sigmoid(tf.mul(x, tf.add(tf.mul(tf.square(x), GELU_K3), GELU_K1)))) as T;
}

/**
 * dx = dy·(σ + x·σ(1−σ)·(k1 + 3k3·x²)). It needs only x (σ is recomputed): the MLP's hidden
 * activations are the largest tensors of a step, and every kept one stays until the step ends.
 */
export function geluBackward<T extends tf.Tensor>(x: T, dy: T): T {
  if (runsFused('gelu', () => geluNeeds(x.size))) return biasGeluGradFused(x, dy);
  const x2 = tf.square(x);
  const s = tf.sigmoid(tf.mul(x, tf.add(tf.mul(x2, GELU_K3), GELU_K1)));
  const slope = tf.mul(tf.mul(x, tf.add(tf.mul(x2, 3 * GELU_K3), GELU_K1)), tf.sub(s, tf.square(s)));
  return tf.mul(dy, tf.add(s, slope)) as T;
}

/** GELU(x + b), b [width] over the last axis: one kernel on webgpu, where the layer before is then a plain matMul. */
export function biasGeluForward(x: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  if (runsFused('gelu', () => geluNeeds(x.size))) return biasGeluFused(x, b);
  return geluForward(tf.add(x, b) as tf.Tensor2D);
}

/** The gradient of biasGeluForward for x (its column sums are the one for b). */
export function biasGeluBackward(x: tf.Tensor2D, b: tf.Tensor1D, dy: tf.Tensor2D): tf.Tensor2D {
  if (runsFused('gelu', () => geluNeeds(x.size))) return biasGeluGradFused(x, dy, b);
  return geluBackward(tf.add(x, b) as tf.Tensor2D, dy);
}

export const gelu = customOp<[tf.Tensor]>((x, save) => {
  save([x]);
  return { value: geluForward(x), gradFunc: (dy, [xs]) => [geluBackward(xs, dy)] };
}) as <T extends tf.Tensor>(x: T) => T;
