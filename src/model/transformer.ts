// Causal pre-LN transformer blocks, written for tfjs's dispatch cost: the hidden state stays a 2-D
// [B·T, d] matrix so every linear layer is one fused matMul+bias over all rows, QKV is one fused
// matMul, and all heads of all images go through one batched matMul pair. No per-head or per-image
// JS loops. Linear, LayerNorm and GELU carry hand-written gradients (ops.ts). Every transpose is at
// most rank 4: tfjs-backend-wasm runs rank-5+ transposes in a per-element generic loop (~50× slower).
import * as tf from '@tensorflow/tfjs';
import { causalAttention } from './attention';
import { dense, gelu as geluOp, layerNorm2d } from './ops';
import type { Block, Linear, Norm } from './params';

/** Rows × W + b on a 2-D matrix. */
export function linear(x: tf.Tensor2D, p: Linear): tf.Tensor2D {
  return dense(x, p.w as tf.Tensor2D, p.b as tf.Tensor1D);
}

/** LayerNorm over the last axis (any rank). */
export function layerNorm<T extends tf.Tensor>(x: T, p: Norm): T {
  const d = x.shape[x.rank - 1];
  const rows = x.rank === 2 ? (x as unknown as tf.Tensor2D) : tf.reshape(x, [-1, d]) as tf.Tensor2D;
  const y = layerNorm2d(rows, p.g as tf.Tensor1D, p.b as tf.Tensor1D);
  return (x.rank === 2 ? y : tf.reshape(y, x.shape)) as unknown as T;
}

/** GELU, tanh approximation (GPT-2). */
export function gelu<T extends tf.Tensor>(x: T): T {
  return geluOp(x);
}

/**
 * Additive causal bias [T, T]: 0 where key ≤ query, -1e9 above the diagonal. Created once per model
 * and broadcast over [B·h, T, T] (a large finite value rather than -inf keeps softmax's gradient finite).
 */
export function causalMask(tokens: number): tf.Tensor2D {
  const values = new Float32Array(tokens * tokens);
  for (let q = 0; q < tokens; q++) for (let k = q + 1; k < tokens; k++) values[q * tokens + k] = -1e9;
  return tf.tensor2d(values, [tokens, tokens]);
}

/** Multi-head causal self-attention on x [B·T, d]. */
export function attention(x: tf.Tensor2D, block: Block, batch: number, tokens: number, heads: number, mask: tf.Tensor2D): tf.Tensor2D {
  const d = x.shape[1];
  const dh = d / heads;
  const qkv = linear(x, block.qkv); // [B·T, 3d], columns ordered (q|k|v, head, dh)
  // [B, T, 3h, dh] → [B, 3h, T, dh] (rank 4), then q, k, v are thirds of axis 1: [B, h, T, dh] each.
  const grouped = tf.transpose(tf.reshape(qkv, [batch, tokens, 3 * heads, dh]), [0, 2, 1, 3]);
  const [q, k, v] = tf.split(grouped, 3, 1).map((t) => tf.reshape(t, [batch * heads, tokens, dh]) as tf.Tensor3D);
  const context = causalAttention(q, k, v, mask, 1 / Math.sqrt(dh)); // [B·h, T, dh]
  const merged = tf.reshape(tf.transpose(tf.reshape(context, [batch, heads, tokens, dh]), [0, 2, 1, 3]), [batch * tokens, d]);
  return linear(merged as tf.Tensor2D, block.proj);
}

/** One pre-LN block: x + Attn(LN(x)), then + MLP(LN(·)) with ratio 4 and GELU. */
export function transformerBlock(x: tf.Tensor2D, block: Block, batch: number, tokens: number, heads: number, mask: tf.Tensor2D): tf.Tensor2D {
  const h = tf.add(x, attention(layerNorm(x, block.ln1), block, batch, tokens, heads, mask));
  const h2 = h as tf.Tensor2D;
  const mlp = linear(gelu(linear(layerNorm(h2, block.ln2), block.fc1)), block.fc2);
  return tf.add(h2, mlp);
}
