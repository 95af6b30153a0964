// Causal pre-LN transformer blocks, written for tfjs's dispatch cost: the hidden state stays a 2-D
// [B·T, d] matrix so every linear layer is one matMul over all rows, and all heads of all images go
// through one attention op (attention.ts). No per-head or per-image JS loops. Linear, LayerNorm, GELU
// and attention carry hand-written gradients (ops.ts, attention.ts); `npm run bench` measures them.
import * as tf from '@tensorflow/tfjs';
import { attentionCore } from './attention';
import {
  customOp,
  dense,
  denseBackward,
  denseForward,
  sharedInputBackward,
  gelu as geluOp,
  geluBackward,
  geluForward,
  layerNorm2d,
  layerNormBackward,
  layerNormForward,
} from './ops';
import type { Block, Linear, Norm } from './params';

/** Rows × W + b on a 2-D matrix. */
export function linear(x: tf.Tensor2D, p: Linear): tf.Tensor2D {
  return dense(x, p.w as tf.Tensor2D, p.b as tf.Tensor1D);
}

/** LayerNorm over the last axis (any rank). */
export function layerNorm<T extends tf.Tensor>(x: T, p: Norm): T {
  const d = x.shape[x.rank - 1];
  const rows = x.rank === 2 ? (x as unknown as tf.Tensor2D) : (tf.reshape(x, [-1, d]) as tf.Tensor2D);
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

type T2 = tf.Tensor2D;
type T1 = tf.Tensor1D;
/** The block's inputs in op order: x, then ln1 g/b, qkv w/b, proj w/b, ln2 g/b, fc1 w/b, fc2 w/b. */
type BlockParams = [T1, T1, T2, T1, T2, T1, T1, T1, T2, T1, T2, T1];
type BlockInputs = [T2, ...BlockParams];

/** Column block i (q, k, v) of the fused QKV weight [d, 3d] or bias [3d] (columns q|k|v, head, dh). */
function qkvPart<T extends tf.Tensor>(p: T, i: number, d: number): T {
  return (p.rank === 1 ? tf.slice(p, [i * d], [d]) : tf.slice(p, [0, i * d], [d, d])) as T;
}

/**
 * One pre-LN block, y = h + MLP(LN2(h)) with h = x + Attn(LN1(x)), as a single op with a hand-written
 * backward (the chain rule through ops.ts and attention.ts). tfjs keeps every gradient its backprop
 * makes until the whole step ends, one per op output; as one op, a block leaves only its input's
 * gradient behind, and saves only the activations its backward reads: memory that lets the small
 * preset fit the wasm heap, and ~40% fewer kernel dispatches. q, k and v come from three matMuls on
 * column blocks of the QKV weight, so no [B·T, 3d] output is split (a full copy per part on wasm).
 */
function blockOp(batch: number, tokens: number, heads: number, mask: T2, d: number): (...inputs: BlockInputs) => T2 {
  const core = attentionCore({ batch, tokens, heads, mask }, d);
  return customOp<BlockInputs>((x, ln1g, ln1b, qkvW, qkvB, projW, projB, ln2g, ln2b, fc1W, fc1b, fc2W, fc2b, save) => {
    const norm1 = layerNormForward(x, ln1g, ln1b);
    const [q, k, v] = [0, 1, 2].map((i) => denseForward(norm1.y, qkvPart(qkvW, i, d), qkvPart(qkvB, i, d)));
    const attention = core.forward(q, k, v);
    const h = tf.add(x, denseForward(attention.out, projW, projB)) as T2;
    const norm2 = layerNormForward(h, ln2g, ln2b);
    const f = denseForward(norm2.y, fc1W, fc1b);
    const g = geluForward(f);
    const y = tf.add(h, denseForward(g, fc2W, fc2b));
    save([norm1.y, ...norm1.saved, attention.out, norm2.y, ...norm2.saved, f, g, ln1g, qkvW, projW, ln2g, fc1W, fc2W, ...attention.saved]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [a, xh1, rs1, c, bl, xh2, rs2, fs, gs, g1, wqkv, wp, g2, w1, w2, ...attSaved] = saved as T2[];
        // On wasm, dy is copied: XNNPACK keeps a packed copy of a matMul's right operand while that
        // tensor lives, and tfjs keeps dy (a gradient) until the backward pass ends (ops.ts, dense).
        const dyc = (tf.getBackend() === 'wasm' ? tf.add(dy, 0) : dy) as T2;
        // Each stage in its own tidy, so only its results outlive it: the peak is then the saved
        // activations of all blocks plus one stage's temporaries, not one block's worth of them.
        const [dg, dW2, db2] = tf.tidy(() => denseBackward(gs, w2, dyc));
        const [dbl, dW1, db1] = tf.tidy(() => denseBackward(bl, w1, geluBackward(fs, dg)));
        const [dh2, dg2, dbeta2] = tf.tidy(() => layerNormBackward([xh2, rs2], g2 as unknown as T1, dbl).slice(0, 3) as tf.Tensor[]);
        const dh = tf.add(dyc, dh2) as T2;
        const [dc, dWp, dbp] = tf.tidy(() => denseBackward(c, wp, dh));
        const dqkv = tf.tidy(() => core.backward(attSaved, dc));
        const [da, dws, dbs] = tf.tidy(() =>
          sharedInputBackward(
            a,
            [0, 1, 2].map((i) => qkvPart(wqkv, i, d)),
            dqkv,
          ),
        );
        const [dx1, dg1, dbeta1] = tf.tidy(() => layerNormBackward([xh1, rs1], g1 as unknown as T1, da).slice(0, 3) as tf.Tensor[]);
        const dqkvW = tf.concat(dws, 1);
        const dqkvB = tf.concat(dbs);
        return [tf.add(dh, dx1), dg1, dbeta1, dqkvW, dqkvB, dWp, dbp, dg2, dbeta2, dW1, db1, dW2, db2];
      },
    };
  }) as (...inputs: BlockInputs) => T2;
}

/** One pre-LN block: x + Attn(LN(x)), then + MLP(LN(·)) with ratio 4 and GELU. */
export function transformerBlock(x: T2, block: Block, batch: number, tokens: number, heads: number, mask: T2): T2 {
  const op = blockOp(batch, tokens, heads, mask, x.shape[1]);
  const { ln1, qkv, proj, ln2, fc1, fc2 } = block;
  const params = [ln1.g, ln1.b, qkv.w, qkv.b, proj.w, proj.b, ln2.g, ln2.b, fc1.w, fc1.b, fc2.w, fc2.b] as tf.Tensor[] as BlockParams;
  return op(x, ...params);
}
