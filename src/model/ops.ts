// Fused layers with hand-written gradients, written for tfjs's costs (issue 8, measured by
// `npm run bench`): autodiff through small ops dispatches a kernel per op plus an Identity per saved
// input and a Cast per gradient of a saved input, so each layer here saves only what its gradient
// needs and computes that gradient in a few large kernels.
import * as tf from '@tensorflow/tfjs';

/**
 * tfjs-backend-wasm only sends a matmul to XNNPACK when neither operand is transposed and both are
 * 2-D (batch 1); every other BatchMatMul runs a scalar loop ~10× slower (batch_mat_mul_impl.cc).
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

/**
 * x [R, in] · w [in, out] + b [out]; gradient in three kernels (+ transposes on wasm). The bias is
 * fused into the matMul except on wasm, whose fused kernel checks the rank of the bias's *storage*,
 * which reshape and gather leave at 2-D or 4-D (a bias sliced from the generative head, or every
 * bias after an optimizer step), and so rejects most biases; there it is one broadcast add.
 */
export const dense = customOp<[tf.Tensor2D, tf.Tensor2D, tf.Tensor1D]>((x, w, b, save) => {
  save([x, w]);
  return {
    value: plainOperandsOnly() ? tf.add(tf.matMul(x, w), b) : tf.fused.matMul({ a: x, b: w, bias: b }),
    gradFunc: (dy, [xs, ws]) => {
      const g = dy as tf.Tensor2D;
      return [matMul2d(g, ws as tf.Tensor2D, false, true), matMul2d(xs as tf.Tensor2D, g, true, false), tf.sum(g, 0)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

const LN_EPS = 1e-5;

/**
 * LayerNorm over the last axis of x [R, d] with gain g and bias b [d].
 * Gradient: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·g; dg = Σ dy·x̂; db = Σ dy.
 */
export const layerNorm2d = customOp<[tf.Tensor2D, tf.Tensor1D, tf.Tensor1D]>((x, g, b, save) => {
  const centered = tf.sub(x, tf.mean(x, 1, true));
  const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centered), 1, true), LN_EPS));
  const xhat = tf.mul(centered, rstd);
  save([xhat, rstd, g]);
  return {
    value: tf.add(tf.mul(xhat, g), b),
    gradFunc: (dy, [xh, rs, gain]) => {
      const gh = tf.mul(dy, gain);
      const inner = tf.sub(tf.sub(gh, tf.mean(gh, 1, true)), tf.mul(xh, tf.mean(tf.mul(gh, xh), 1, true)));
      return [tf.mul(inner, rs), tf.sum(tf.mul(dy, xh), 0), tf.sum(dy, 0)];
    },
  };
}) as (x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor2D;

const GELU_K1 = 2 * Math.sqrt(2 / Math.PI);
const GELU_K3 = GELU_K1 * 0.044715;

/**
 * GELU, tanh approximation (GPT-2), as x·σ(2u) with u = √(2/π)(x + 0.044715x³): the same function,
 * since ½(1 + tanh u) = σ(2u), but sigmoid is a vectorised kernel where tanh is not (wasm).
 * Gradient: σ + x·σ(1−σ)·(k1 + 3k3·x²). Only x is kept for it (σ is recomputed): the MLP's hidden
 * activations are the largest tensors of a step, and every kept one stays until the step ends.
 */
export const gelu = customOp<[tf.Tensor]>((x, save) => {
  const x2 = tf.square(x);
  const s = tf.sigmoid(tf.mul(x, tf.add(tf.mul(x2, GELU_K3), GELU_K1)));
  save([x]);
  return {
    value: tf.mul(x, s),
    gradFunc: (dy, [xs]) => {
      const xx = tf.square(xs);
      const ss = tf.sigmoid(tf.mul(xs, tf.add(tf.mul(xx, GELU_K3), GELU_K1)));
      const slope = tf.mul(tf.mul(xs, tf.add(tf.mul(xx, 3 * GELU_K3), GELU_K1)), tf.sub(ss, tf.square(ss)));
      return [tf.mul(dy, tf.add(ss, slope))];
    },
  };
}) as <T extends tf.Tensor>(x: T) => T;

/**
 * log Σ exp over the last axis, keeping it as size 1. The max shift cancels out of the gradient,
 * which is dy·softmax(x): computed from the saved exponentials instead of autodiff through max.
 */
export const logSumExpLast = customOp<[tf.Tensor]>((x, save) => {
  const axis = x.rank - 1;
  const max = tf.max(x, axis, true);
  const e = tf.exp(tf.sub(x, max));
  const total = tf.sum(e, axis, true);
  save([e, total]);
  return {
    value: tf.add(tf.log(total), max),
    gradFunc: (dy, [es, totals]) => [tf.mul(es, tf.div(dy, totals))],
  };
}) as <T extends tf.Tensor>(x: T) => T;
