// Causal pre-LN transformer blocks, written for tfjs's dispatch cost: the hidden state stays a 2-D
// [B·T, d] matrix so every linear layer is one matMul over all rows, QKV is one fused matMul, and
// all heads of all images go through one batched matMul pair. No per-head or per-image JS loops.
import * as tf from '@tensorflow/tfjs';
import type { Block, Linear, Norm } from './params';

const LN_EPS = 1e-5;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Rows × W + b on a 2-D matrix. */
export function linear(x: tf.Tensor2D, p: Linear): tf.Tensor2D {
  return tf.add(tf.matMul(x, p.w as tf.Tensor2D), p.b);
}

/** LayerNorm over the last axis (any rank). */
export function layerNorm<T extends tf.Tensor>(x: T, p: Norm): T {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LN_EPS))), p.g), p.b) as T;
}

/** GELU, tanh approximation (GPT-2). */
export function gelu<T extends tf.Tensor>(x: T): T {
  const inner = tf.mul(tf.add(x, tf.mul(0.044715, tf.mul(tf.mul(x, x), x))), SQRT_2_OVER_PI);
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner))) as T;
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
  // [B, T, 3, h, dh] → [3, B, h, T, dh]: one transpose separates q, k, v and groups heads per image.
  const grouped = tf.reshape(tf.transpose(tf.reshape(qkv, [batch, tokens, 3, heads, dh]), [2, 0, 3, 1, 4]), [3, batch * heads, tokens, dh]);
  const [q, k, v] = tf.split(grouped, 3, 0).map((t) => tf.reshape(t, [batch * heads, tokens, dh]) as tf.Tensor3D);
  // Scaling q ([.., T, dh]) is cheaper than scaling the scores ([.., T, T]).
  const scores = tf.add(tf.matMul(tf.mul(q, 1 / Math.sqrt(dh)), k, false, true), mask);
  const context = tf.matMul(tf.softmax(scores, -1), v); // [B·h, T, dh]
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
