// Causal pre-LN transformer blocks, written for tfjs's dispatch cost: the hidden state stays a 2-D
// [B·T, d] matrix so every linear layer is one matMul over all rows, and all heads of all images go
// through one attention op (attention.ts). No per-head or per-image JS loops. Linear, LayerNorm, GELU
// and attention carry hand-written gradients (ops.ts, attention.ts); `npm run bench` measures them.
import * as tf from '@tensorflow/tfjs';
import { attentionRows } from './attention';
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

/**
 * Multi-head causal self-attention on x [B·T, d]. The fused QKV weight [d, 3d] (columns ordered
 * q|k|v, head, dh) is used as three column blocks, one matMul each: their outputs are already the
 * row-major q, k, v the attention op takes, where one matMul would need its [B·T, 3d] output split
 * (a full copy per part on wasm). Slicing the weights instead costs a copy of [d, 3d] only.
 */
export function attention(x: tf.Tensor2D, block: Block, batch: number, tokens: number, heads: number, mask: tf.Tensor2D): tf.Tensor2D {
  const d = x.shape[1];
  const part = (i: number) =>
    dense(x, tf.slice(block.qkv.w, [0, i * d], [d, d]) as tf.Tensor2D, tf.slice(block.qkv.b, [i * d], [d]) as tf.Tensor1D);
  const context = attentionRows(part(0), part(1), part(2), { batch, tokens, heads, mask });
  return linear(context, block.proj);
}

/** One pre-LN block: x + Attn(LN(x)), then + MLP(LN(·)) with ratio 4 and GELU. */
export function transformerBlock(x: tf.Tensor2D, block: Block, batch: number, tokens: number, heads: number, mask: tf.Tensor2D): tf.Tensor2D {
  const h = tf.add(x, attention(layerNorm(x, block.ln1), block, batch, tokens, heads, mask));
  const h2 = h as tf.Tensor2D;
  const mlp = linear(gelu(linear(layerNorm(h2, block.ln2), block.fc1)), block.fc2);
  return tf.add(h2, mlp);
}
