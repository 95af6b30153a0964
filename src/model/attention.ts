// Causal scaled-dot-product attention over all heads of all images as one op with a hand-written
// gradient: it saves q, k, v and the attention weights only, and its backward is four batched
// matMuls and a few elementwise kernels (autodiff through scale, mask and softmax keeps several
// [B·h, T, T] tensors alive and dispatches ~3× the kernels).
import * as tf from '@tensorflow/tfjs';

/**
 * Batched a·b over the leading axis, a [N, M, K] (or [N, K, M] with transposeA), b [N, K, P] (or
 * [N, P, K] with transposeB) → [N, M, P].
 *
 * tfjs-backend-wasm runs every batched BatchMatMul in a scalar loop (~2 GFLOP/s here). A depthwise
 * convolution is the same product with the batch as channels: input [1, M, K, N], one filter
 * [1, K, N, P] (width K, channel multiplier P), 'valid' → out[m, n·P + p] = Σ_k a[n,m,k]·b[n,k,p].
 * XNNPACK runs that as one grouped GEMM, 2–4× faster; the three rank-3 transposes around it are cheap.
 */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D, transposeA = false, transposeB = false): tf.Tensor3D {
  if (tf.getBackend() !== 'wasm') return tf.matMul(a, b, transposeA, transposeB);
  const n = a.shape[0];
  const input = tf.transpose(a, transposeA ? [2, 1, 0] : [1, 2, 0]); // [M, K, N]
  const filter = tf.transpose(b, transposeB ? [2, 0, 1] : [1, 0, 2]); // [K, N, P]
  const [m, k] = input.shape;
  const p = filter.shape[2];
  const out = tf.depthwiseConv2d(tf.reshape(input, [1, m, k, n]) as tf.Tensor4D, tf.reshape(filter, [1, k, n, p]) as tf.Tensor4D, 1, 'valid');
  return tf.transpose(tf.reshape(out, [m, n, p]), [1, 0, 2]);
}

/**
 * softmax(q·kᵀ·scale + mask)·v for q, k, v [N, T, dh] and an additive mask [T, T] (a constant).
 * Backward, with P the attention weights: dV = Pᵀ·dC, dP = dC·vᵀ, dS = P ⊙ (dP − Σⱼ dP ⊙ P)·scale,
 * dq = dS·k, dk = dSᵀ·q.
 */
export function causalAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D, scale: number): tf.Tensor3D {
  const op = tf.customGrad(((qi: tf.Tensor3D, ki: tf.Tensor3D, vi: tf.Tensor3D, save: tf.GradSaveFunc) => {
    const weights = tf.softmax(tf.add(tf.mul(batchMatMul(qi, ki, false, true), scale), mask));
    save([qi, ki, vi, weights]);
    return {
      value: batchMatMul(weights as tf.Tensor3D, vi),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [qs, ks, vs, ps] = saved as tf.Tensor3D[];
        const dc = dy as tf.Tensor3D;
        const dv = batchMatMul(ps, dc, true, false);
        const dp = batchMatMul(dc, vs, false, true);
        const ds = tf.mul(tf.mul(ps, tf.sub(dp, tf.sum(tf.mul(dp, ps), -1, true))), scale) as tf.Tensor3D;
        return [batchMatMul(ds, ks), batchMatMul(ds, qs, true, false), dv];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D) => tf.Tensor3D;
  return op(q, k, v);
}
