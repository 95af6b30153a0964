// Causal pre-LN transformer blocks, written for tfjs's dispatch cost: the hidden state stays a 2-D
// [B·T, d] matrix so every linear layer is one matMul over all rows, and all heads of all images go
// through one attention op (attention.ts). No per-head or per-image JS loops. Linear, LayerNorm, GELU
// and attention carry hand-written gradients (ops.ts, attention.ts); `npm run bench` measures them.
import * as tf from '@tensorflow/tfjs';
import { attentionCore, qkvAttention } from './attention';
import {
  biasGeluBackward,
  biasGeluForward,
  colSum,
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
  residualLayerNormForward,
  type NormSaved,
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

/**
 * The same block structured for the fused WebGPU kernels (docs/webgpu.md): one QKV matMul whose
 * [B·T, 3d] output the attention kernel reads in place, the first residual add inside the second
 * norm's kernel, fc1 as a plain matMul followed by one bias + GELU kernel, and the bias gradients of
 * fc2 and proj folded into the norms' column kernels (the residual stream's gradient is the same
 * tensor). 9 dispatches forward and 16 backward where every kernel fits; an op whose kernel does not
 * fit takes its tfjs-op path inside the same structure.
 */
function gpuBlockOp(batch: number, tokens: number, heads: number, mask: T2, d: number): (...inputs: BlockInputs) => T2 {
  const attention = qkvAttention({ batch, tokens, heads, mask }, d);
  return customOp<BlockInputs>((x, ln1g, ln1b, qkvW, qkvB, projW, projB, ln2g, ln2b, fc1W, fc1b, fc2W, fc2b, save) => {
    const norm1 = layerNormForward(x, ln1g, ln1b);
    const attended = attention.forward(denseForward(norm1.y, qkvW, qkvB));
    const norm2 = residualLayerNormForward(x, denseForward(attended.out, projW, projB), ln2g, ln2b);
    const m = tf.matMul(norm2.y, fc1W) as T2;
    const g = biasGeluForward(m, fc1b);
    const y = tf.add(norm2.h, denseForward(g, fc2W, fc2b));
    save([
      norm1.y,
      ...norm1.saved,
      attended.out,
      norm2.y,
      ...norm2.saved,
      m,
      g,
      ln1g,
      qkvW,
      projW,
      ln2g,
      fc1W,
      fc1b,
      fc2W,
      ...attended.saved,
    ]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [a, n1a, n1b, c, bl, n2a, n2b, ms, gs, g1, wqkv, wp, g2, w1, b1, w2, ...attSaved] = saved as T2[];
        const dyc = dy as T2;
        const [dg, dW2] = tf.tidy(() => [tf.matMul(dyc, w2, false, true), tf.matMul(gs, dyc, true, false)]);
        const [dbl, dW1, db1] = tf.tidy(() => {
          const df = biasGeluBackward(ms, b1 as unknown as T1, dg as T2);
          return [tf.matMul(df, w1, false, true), tf.matMul(bl, df, true, false), colSum(df)];
        });
        // dh = dy + LN2's dx; fc2's bias gradient Σ dy comes out of the same column kernel.
        const [dh, dg2, dbeta2, db2] = tf.tidy(
          () => layerNormBackward([n2a, n2b] as NormSaved, g2 as unknown as T1, dbl as T2, dyc, dyc) as tf.Tensor[],
        ) as [T2, T1, T1, T1];
        const [dc, dWp] = tf.tidy(() => [tf.matMul(dh, wp, false, true), tf.matMul(c, dh, true, false)]);
        const [da, dWqkv, dbqkv] = tf.tidy(() => {
          const dqkv = attention.backward(attSaved, dc as T2);
          return [tf.matMul(dqkv, wqkv, false, true), tf.matMul(a, dqkv, true, false), colSum(dqkv)];
        });
        // dx = dh + LN1's dx; proj's bias gradient Σ dh likewise.
        const [dx, dg1, dbeta1, dbp] = tf.tidy(
          () => layerNormBackward([n1a, n1b] as NormSaved, g1 as unknown as T1, da as T2, dh, dh) as tf.Tensor[],
        ) as [T2, T1, T1, T1];
        return [dx, dg1, dbeta1, dWqkv, dbqkv, dWp, dbp, dg2, dbeta2, dW1, db1, dW2, db2];
      },
    };
  }) as (...inputs: BlockInputs) => T2;
}

/** How a block is built: for the fused WebGPU kernels ('gpu', on webgpu) or for tfjs's ops ('ops'). */
export type BlockStructure = 'gpu' | 'ops';
export function blockStructure(): BlockStructure {
  return tf.getBackend() === 'webgpu' ? 'gpu' : 'ops';
}

/** One pre-LN block: x + Attn(LN(x)), then + MLP(LN(·)) with ratio 4 and GELU. */
export function transformerBlock(
  x: T2,
  block: Block,
  batch: number,
  tokens: number,
  heads: number,
  mask: T2,
  structure: BlockStructure = blockStructure(),
): T2 {
  const op = (structure === 'gpu' ? gpuBlockOp : blockOp)(batch, tokens, heads, mask, x.shape[1]);
  const { ln1, qkv, proj, ln2, fc1, fc2 } = block;
  const params = [ln1.g, ln1.b, qkv.w, qkv.b, proj.w, proj.b, ln2.g, ln2.b, fc1.w, fc1.b, fc2.w, fc2.b] as tf.Tensor[] as BlockParams;
  return op(x, ...params);
}
