// The trunk's causal pre-LN transformer block (docs/model.md#trunk), twice: as the paper writes it, in
// plain tfjs ops differentiated by autodiff, and as the single fused op the model trains with. Both are
// the same function of the same named parameters (ops.test.ts checks values and gradients), so read the
// first to see what the block does and the second to see how it is made cheap. The hidden state is
// always a 2-D [B·T, d] matrix, B images of T tokens, so every linear layer is one matMul over all rows.
import * as tf from '@tensorflow/tfjs';
import { attentionCore, qkvAttention, type AttentionShape } from './attention';
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

type T2 = tf.Tensor2D;
type T1 = tf.Tensor1D;

/** Rows × W + b on a 2-D matrix. */
export function linear(x: T2, p: Linear): T2 {
  return dense(x, p.w as T2, p.b as T1);
}

/** LayerNorm over the last axis (any rank). */
export function layerNorm<T extends tf.Tensor>(x: T, p: Norm): T {
  const d = x.shape[x.rank - 1];
  const rows = x.rank === 2 ? (x as unknown as T2) : (tf.reshape(x, [-1, d]) as T2);
  const y = layerNorm2d(rows, p.g as T1, p.b as T1);
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
export function causalMask(tokens: number): T2 {
  const values = new Float32Array(tokens * tokens);
  for (let q = 0; q < tokens; q++) for (let k = q + 1; k < tokens; k++) values[q * tokens + k] = -1e9;
  return tf.tensor2d(values, [tokens, tokens]);
}

// ---------------------------------------------------------------------------------------------------
// The readable block: h = x + attn(ln1(x)); out = h + mlp(ln2(h)).

const LN_EPS = 1e-5;

/** (x − mean) / √(var + ε) · g + b over the last axis. */
function plainLayerNorm(x: T2, { g, b }: Norm): T2 {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LN_EPS))), g), b) as T2;
}

function plainLinear(x: T2, { w, b }: Linear): T2 {
  return tf.add(tf.matMul(x, w as T2), b) as T2;
}

/** ½x(1 + tanh(√(2/π)(x + 0.044715x³))), GPT-2's GELU. */
function plainGelu(x: T2): T2 {
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))) as T2;
}

/** Causal multi-head self-attention; head i reads columns [i·dh, (i+1)·dh) of q, k and v. */
function causalSelfAttention(x: T2, qkv: Linear, proj: Linear, { batch, tokens, heads, mask }: AttentionShape): T2 {
  const d = x.shape[1];
  const dh = d / heads;
  const [q, k, v] = tf.split(plainLinear(x, qkv), 3, 1); // each [B·T, d]
  const toHeads = (t: tf.Tensor) =>
    tf.reshape(tf.transpose(tf.reshape(t, [batch, tokens, heads, dh]), [0, 2, 1, 3]), [batch * heads, tokens, dh]);
  const scores = tf.add(tf.mul(tf.matMul(toHeads(q), toHeads(k), false, true), 1 / Math.sqrt(dh)), mask); // [B·h, T, T]
  const context = tf.matMul(tf.softmax(scores), toHeads(v)); // [B·h, T, dh]
  const merged = tf.reshape(tf.transpose(tf.reshape(context, [batch, heads, tokens, dh]), [0, 2, 1, 3]), [batch * tokens, d]) as T2; // [B·T, d]
  return plainLinear(merged, proj); // [B·T, d]
}

/** Two linear layers with a GELU between, hidden width 4d. */
function mlp(x: T2, fc1: Linear, fc2: Linear): T2 {
  return plainLinear(plainGelu(plainLinear(x, fc1)), fc2); // [B·T, 4d] inside, [B·T, d] out
}

/**
 * One pre-LN block as the paper writes it, in plain tfjs ops. Not used in training (autodiff through it
 * keeps many more tensors and dispatches many more kernels); it is the definition transformerBlock is
 * tested against.
 */
export function readableTransformerBlock(x: T2, p: Block, shape: AttentionShape): T2 {
  const h = tf.add(x, causalSelfAttention(plainLayerNorm(x, p.ln1), p.qkv, p.proj, shape)) as T2; // [B·T, d]
  return tf.add(h, mlp(plainLayerNorm(h, p.ln2), p.fc1, p.fc2)) as T2; // [B·T, d]
}

// ---------------------------------------------------------------------------------------------------
// The fused block: the same function as one op with a hand-written backward.

/** A block's parameters as tensors, with the names of params.ts's Block. */
interface BlockTensors {
  ln1: { g: T1; b: T1 };
  qkv: { w: T2; b: T1 };
  proj: { w: T2; b: T1 };
  ln2: { g: T1; b: T1 };
  fc1: { w: T2; b: T1 };
  fc2: { w: T2; b: T1 };
}

/** tfjs custom ops take and return positional tensors: the parameters in this order, after x. */
type BlockParamList = [T1, T1, T2, T1, T2, T1, T1, T1, T2, T1, T2, T1];

function paramList(p: BlockTensors): BlockParamList {
  return [p.ln1.g, p.ln1.b, p.qkv.w, p.qkv.b, p.proj.w, p.proj.b, p.ln2.g, p.ln2.b, p.fc1.w, p.fc1.b, p.fc2.w, p.fc2.b];
}

function paramsFrom([ln1g, ln1b, qkvW, qkvB, projW, projB, ln2g, ln2b, fc1W, fc1b, fc2W, fc2b]: BlockParamList): BlockTensors {
  return {
    ln1: { g: ln1g, b: ln1b },
    qkv: { w: qkvW, b: qkvB },
    proj: { w: projW, b: projB },
    ln2: { g: ln2g, b: ln2b },
    fc1: { w: fc1W, b: fc1b },
    fc2: { w: fc2W, b: fc2b },
  };
}

/** The activations the backward reads, in the order they are saved (all [B·T, ·] rows). */
const SAVED_ACTIVATIONS = ['ln1Out', 'ln1Xhat', 'ln1Rstd', 'context', 'ln2Out', 'ln2Xhat', 'ln2Rstd', 'hidden', 'activated'] as const;
/** The weights the backward reads, saved after the activations; then the attention core's own. */
const SAVED_WEIGHTS = ['ln1g', 'qkvW', 'projW', 'ln2g', 'fc1W', 'fc2W'] as const;

function named<K extends string>(names: readonly K[], tensors: tf.Tensor[]): Record<K, T2> {
  return Object.fromEntries(names.map((name, i) => [name, tensors[i]])) as Record<K, T2>;
}

/** Column block i (q, k, v) of the fused QKV weight [d, 3d] or bias [3d] (columns q|k|v, head, dh). */
function qkvPart<T extends tf.Tensor>(p: T, i: number, d: number): T {
  return (p.rank === 1 ? tf.slice(p, [i * d], [d]) : tf.slice(p, [0, i * d], [d, d])) as T;
}

/**
 * readableTransformerBlock as a single op with a hand-written backward (the chain rule through ops.ts
 * and attention.ts). tfjs keeps every gradient its backprop makes until the whole step ends, one per op
 * output; as one op, a block leaves only its input's gradient behind, and saves only the activations its
 * backward reads: memory that lets the small preset fit the wasm heap, and fewer kernel dispatches.
 * q, k and v come from three matMuls on column blocks of the QKV weight, so no [B·T, 3d] output is split
 * (a full copy per part on wasm).
 */
function blockOp(shape: AttentionShape, d: number): (x: T2, ...params: BlockParamList) => T2 {
  const core = attentionCore(shape, d);
  return customOp<[T2, ...BlockParamList]>((...args) => {
    const [x, ...params] = args.slice(0, -1) as [T2, ...BlockParamList];
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const p = paramsFrom(params);
    const ln1 = layerNormForward(x, p.ln1.g, p.ln1.b); // [B·T, d]
    const [q, k, v] = [0, 1, 2].map((i) => denseForward(ln1.y, qkvPart(p.qkv.w, i, d), qkvPart(p.qkv.b, i, d)));
    const attention = core.forward(q, k, v); // context [B·T, d]
    const h = tf.add(x, denseForward(attention.out, p.proj.w, p.proj.b)) as T2; // [B·T, d]
    const ln2 = layerNormForward(h, p.ln2.g, p.ln2.b); // [B·T, d]
    const hidden = denseForward(ln2.y, p.fc1.w, p.fc1.b); // [B·T, 4d]
    const activated = geluForward(hidden); // [B·T, 4d]
    const out = tf.add(h, denseForward(activated, p.fc2.w, p.fc2.b)); // [B·T, d]
    save([
      ...[ln1.y, ...ln1.saved, attention.out, ln2.y, ...ln2.saved, hidden, activated],
      ...[p.ln1.g, p.qkv.w, p.proj.w, p.ln2.g, p.fc1.w, p.fc2.w],
      ...attention.saved,
    ]);
    return {
      value: out,
      gradFunc: (dy, saved) => {
        const a = named(SAVED_ACTIVATIONS, saved);
        const w = named(SAVED_WEIGHTS, saved.slice(SAVED_ACTIVATIONS.length));
        const attentionSaved = saved.slice(SAVED_ACTIVATIONS.length + SAVED_WEIGHTS.length);
        // On wasm, dy is copied: XNNPACK keeps a packed copy of a matMul's right operand while that
        // tensor lives, and tfjs keeps dy (a gradient) until the backward pass ends (ops.ts, dense).
        const dOut = (tf.getBackend() === 'wasm' ? tf.add(dy, 0) : dy) as T2;
        // Each stage in its own tidy, so only its results outlive it: the peak is then the saved
        // activations of all blocks plus one stage's temporaries, not one block's worth of them.
        const [dActivated, dFc2W, dFc2b] = tf.tidy(() => denseBackward(a.activated, w.fc2W, dOut));
        const [dLn2Out, dFc1W, dFc1b] = tf.tidy(() => denseBackward(a.ln2Out, w.fc1W, geluBackward(a.hidden, dActivated)));
        const [dhFromMlp, dLn2g, dLn2b] = tf.tidy(
          () => layerNormBackward([a.ln2Xhat, a.ln2Rstd], w.ln2g as unknown as T1, dLn2Out).slice(0, 3) as tf.Tensor[],
        ) as [T2, T1, T1];
        const dh = tf.add(dOut, dhFromMlp) as T2; // [B·T, d]
        const [dContext, dProjW, dProjB] = tf.tidy(() => denseBackward(a.context, w.projW, dh));
        const dqkv = tf.tidy(() => core.backward(attentionSaved, dContext));
        const [dLn1Out, dqkvWs, dqkvBs] = tf.tidy(() =>
          sharedInputBackward(
            a.ln1Out,
            [0, 1, 2].map((i) => qkvPart(w.qkvW, i, d)),
            dqkv,
          ),
        );
        const [dxFromAttention, dLn1g, dLn1b] = tf.tidy(
          () => layerNormBackward([a.ln1Xhat, a.ln1Rstd], w.ln1g as unknown as T1, dLn1Out).slice(0, 3) as tf.Tensor[],
        ) as [T2, T1, T1];
        const grads: BlockTensors = {
          ln1: { g: dLn1g, b: dLn1b },
          qkv: { w: tf.concat(dqkvWs, 1), b: tf.concat(dqkvBs) },
          proj: { w: dProjW, b: dProjB },
          ln2: { g: dLn2g, b: dLn2b },
          fc1: { w: dFc1W, b: dFc1b },
          fc2: { w: dFc2W, b: dFc2b },
        };
        return [tf.add(dh, dxFromAttention), ...paramList(grads)];
      },
    };
  }) as (x: T2, ...params: BlockParamList) => T2;
}

/**
 * The same block structured for the fused WebGPU kernels (docs/webgpu.md): one QKV matMul whose
 * [B·T, 3d] output the attention kernel reads in place, the first residual add inside the second
 * norm's kernel, fc1 as a plain matMul followed by one bias + GELU kernel, and the bias gradients of
 * fc2 and proj folded into the norms' column kernels (the residual stream's gradient is the same
 * tensor). 9 dispatches forward and 16 backward where every kernel fits; an op whose kernel does not
 * fit takes its tfjs-op path inside the same structure.
 */
function gpuBlockOp(shape: AttentionShape, d: number): (x: T2, ...params: BlockParamList) => T2 {
  const attention = qkvAttention(shape, d);
  return customOp<[T2, ...BlockParamList]>((x, ln1g, ln1b, qkvW, qkvB, projW, projB, ln2g, ln2b, fc1W, fc1b, fc2W, fc2b, save) => {
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
  }) as (x: T2, ...params: BlockParamList) => T2;
}

/** How a block is built: for the fused WebGPU kernels ('gpu', on webgpu) or for tfjs's ops ('ops'). */
export type BlockStructure = 'gpu' | 'ops';
export function blockStructure(): BlockStructure {
  return tf.getBackend() === 'webgpu' ? 'gpu' : 'ops';
}

/** readableTransformerBlock, computed by the fused op: the form the model trains with. */
export function transformerBlock(x: T2, block: Block, shape: AttentionShape, structure: BlockStructure = blockStructure()): T2 {
  return (structure === 'gpu' ? gpuBlockOp : blockOp)(shape, x.shape[1])(x, ...paramList(block as unknown as BlockTensors));
}
