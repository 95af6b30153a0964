// Causal multi-head attention core as one op with a hand-written gradient: from q, k, v rows
// [B·T, d] to the merged context rows [B·T, d]. It keeps only q, k, v and the attention weights for
// the backward pass (autodiff through the head split, scale, mask, softmax and merge keeps several
// full-size copies alive and dispatches several times the kernels), and its backward is four batched matMuls.
//
// With P = softmax(q·kᵀ·scale + mask) per head: C = P·v, and
//   dV = Pᵀ·dC,  dP = dC·vᵀ,  dS = P ⊙ (dP − Σⱼ dP ⊙ P)·scale,  dq = dS·k,  dk = dSᵀ·q.
import * as tf from '@tensorflow/tfjs';
import { customOp } from './ops';
import { attentionBackwardFused, attentionForwardFused, attentionNeeds } from './webgpu/attention';
import { runsFused } from './webgpu/limits';

export interface AttentionShape {
  batch: number;
  tokens: number;
  heads: number;
  /** Additive causal mask [T, T] (0 or -1e9); a constant, no gradient. */
  mask: tf.Tensor2D;
}

type Rows3 = (q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D) => tf.Tensor2D;

/** Forward and backward of the attention core; `saved` is what backward needs, nothing more. */
export interface AttentionCore {
  forward(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D): { out: tf.Tensor2D; saved: tf.Tensor[] };
  backward(saved: tf.Tensor[], dy: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
}

/** GPU and cpu backends: batched matMuls with transpose flags, heads as the batch axis [B·h, T, dh]. */
function batchedMatMulAttention({ batch, tokens, heads, mask }: AttentionShape, d: number): AttentionCore {
  const dh = d / heads;
  const scale = 1 / Math.sqrt(dh);
  const toHeads = (x: tf.Tensor) =>
    tf.reshape(tf.transpose(tf.reshape(x, [batch, tokens, heads, dh]), [0, 2, 1, 3]), [batch * heads, tokens, dh]) as tf.Tensor3D;
  const toRows = (x: tf.Tensor) =>
    tf.reshape(tf.transpose(tf.reshape(x, [batch, heads, tokens, dh]), [0, 2, 1, 3]), [batch * tokens, d]) as tf.Tensor2D;
  return {
    forward(q, k, v) {
      const [qh, kh, vh] = [toHeads(q), toHeads(k), toHeads(v)];
      const p = tf.softmax(tf.add(tf.mul(tf.matMul(qh, kh, false, true), scale), mask));
      return { out: toRows(tf.matMul(p, vh)), saved: [qh, kh, vh, p] };
    },
    backward([qs, ks, vs, ps], dy) {
      const dc = toHeads(dy);
      const dp = tf.matMul(dc, vs, false, true);
      const ds = tf.mul(tf.mul(ps, tf.sub(dp, tf.sum(tf.mul(dp, ps), -1, true))), scale);
      return [toRows(tf.matMul(ds, ks)), toRows(tf.matMul(ds, qs, true, false)), toRows(tf.matMul(ps, dc, true, false))];
    },
  };
}

/**
 * wasm: tfjs-backend-wasm runs every batched BatchMatMul in a slow scalar loop. A
 * depthwise convolution computes the same products with the N = B·h head instances as channels:
 * input [1, M, K, N], filter [1, K, N, P] ('valid', channel multiplier P) gives
 * out[m, n·P + p] = Σ_k a[n,m,k]·b[n,k,p], which XNNPACK runs as one grouped GEMM (several times faster).
 * Operands are kept in the layouts that product wants (head instances last), so each is made by a
 * single rank ≤ 4 transpose: q as [T, dh, N], k as [dh, N, T], v as [T, N, dh], weights as [T, N, T].
 */
function depthwiseAttention({ batch, tokens, heads, mask }: AttentionShape, d: number): AttentionCore {
  const dh = d / heads;
  const n = batch * heads;
  const scale = 1 / Math.sqrt(dh);
  const t = tokens;
  // out[m, c, p] = Σ_k a[m, k, c]·b[k, c, p]: a [M, K, N] and b [K, N, P] → [M, N, P].
  const product = (a: tf.Tensor, b: tf.Tensor): tf.Tensor3D => {
    const [m, k] = a.shape;
    const p = b.shape[2] as number;
    const out = tf.depthwiseConv2d(tf.reshape(a, [1, m, k, n]) as tf.Tensor4D, tf.reshape(b, [1, k, n, p]) as tf.Tensor4D, 1, 'valid');
    return tf.reshape(out, [m, n, p]) as tf.Tensor3D;
  };
  const heads4 = (x: tf.Tensor) => tf.reshape(x, [batch, t, heads, dh]);
  // [T, N, dh] (token-major, head instances in (b, h) order) → rows [B·T, d].
  const toRows = (x: tf.Tensor) =>
    tf.reshape(tf.transpose(tf.reshape(x, [t, batch, heads, dh]), [1, 0, 2, 3]), [batch * t, d]) as tf.Tensor2D;
  return {
    forward(q, k, v) {
      const qa = tf.reshape(tf.transpose(heads4(q), [1, 3, 0, 2]), [t, dh, n]); // [T, dh, N]
      const kb = tf.reshape(tf.transpose(heads4(k), [3, 0, 2, 1]), [dh, n, t]); // [dh, N, T]
      const vb = tf.reshape(tf.transpose(heads4(v), [1, 0, 2, 3]), [t, n, dh]); // [T, N, dh]
      const p = tf.softmax(tf.add(tf.mul(product(qa, kb), scale), tf.reshape(mask, [t, 1, t]))); // [Tq, N, Tk]
      return { out: toRows(product(tf.transpose(p, [0, 2, 1]), vb)), saved: [qa, kb, vb, p] };
    },
    backward([qs, ks, vs, ps], dy) {
      const dc = tf.reshape(tf.transpose(heads4(dy), [1, 0, 2, 3]), [t, n, dh]); // [Tq, N, dh]
      const dp = product(tf.transpose(dc, [0, 2, 1]), tf.transpose(vs, [2, 1, 0])); // [Tq, N, Tk]
      const dv = product(tf.transpose(ps, [2, 0, 1]), dc); // [Tk, N, dh]
      const ds = tf.mul(tf.mul(ps, tf.sub(dp, tf.sum(tf.mul(dp, ps), -1, true))), scale);
      const dq = product(tf.transpose(ds, [0, 2, 1]), tf.transpose(ks, [2, 1, 0])); // [Tq, N, dh]
      const dk = product(tf.transpose(ds, [2, 0, 1]), tf.transpose(qs, [0, 2, 1])); // [Tk, N, dh]
      return [toRows(dq), toRows(dk), toRows(dv)];
    },
  };
}

/** The attention core for the active backend. */
export function attentionCore(shape: AttentionShape, d: number): AttentionCore {
  return tf.getBackend() === 'wasm' ? depthwiseAttention(shape, d) : batchedMatMulAttention(shape, d);
}

/** Causal multi-head attention of q, k, v rows [B·T, d] (heads = column blocks of dh): [B·T, d]. */
export function attentionRows(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, shape: AttentionShape): tf.Tensor2D {
  const core = attentionCore(shape, q.shape[1]);
  const op = customOp<[tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]>((qi, ki, vi, save) => {
    const { out, saved } = core.forward(qi, ki, vi);
    save(saved);
    return { value: out, gradFunc: (dy, kept) => core.backward(kept, dy as tf.Tensor2D) };
  }) as Rows3;
  return op(q, k, v);
}

/** Attention from the fused QKV projection's rows [B·T, 3d] (columns q | k | v): [B·T, d]. */
export interface QkvAttention {
  forward(qkv: tf.Tensor2D): { out: tf.Tensor2D; saved: tf.Tensor[] };
  backward(saved: tf.Tensor[], dy: tf.Tensor2D): tf.Tensor2D;
}

/**
 * On webgpu, one kernel each way reads q, k, v from the [B·T, 3d] rows in place (webgpu/attention.ts);
 * elsewhere, or where that kernel does not fit, the columns are sliced for the core above and the
 * gradients joined again.
 */
export function qkvAttention(shape: AttentionShape, d: number): QkvAttention {
  const dims = { batch: shape.batch, tokens: shape.tokens, heads: shape.heads };
  if (runsFused('attention', () => attentionNeeds(dims, d))) {
    return {
      forward(qkv) {
        const { out, lse } = attentionForwardFused(qkv, dims);
        return { out, saved: [qkv, out, lse] };
      },
      backward([qkv, out, lse], dy) {
        return attentionBackwardFused(qkv as tf.Tensor2D, out as tf.Tensor2D, lse as tf.Tensor1D, dy, dims);
      },
    };
  }
  const core = attentionCore(shape, d);
  const rows = shape.batch * shape.tokens;
  return {
    forward(qkv) {
      const [q, k, v] = [0, 1, 2].map((i) => tf.slice(qkv, [0, i * d], [rows, d]) as tf.Tensor2D);
      return core.forward(q, k, v);
    },
    backward(saved, dy) {
      return tf.concat(core.backward(saved, dy), 1) as tf.Tensor2D;
    },
  };
}

/** qkvAttention as one op with its gradient (the fused block calls the two halves itself). */
export function attentionFromQkv(qkv: tf.Tensor2D, shape: AttentionShape): tf.Tensor2D {
  const attention = qkvAttention(shape, qkv.shape[1] / 3);
  const op = customOp<[tf.Tensor2D]>((x, save) => {
    const { out, saved } = attention.forward(x);
    save(saved);
    return { value: out, gradFunc: (dy, kept) => [attention.backward(kept, dy as tf.Tensor2D)] };
  });
  return op(qkv) as tf.Tensor2D;
}
