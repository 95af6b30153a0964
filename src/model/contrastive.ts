// The contrastive branch of a training step as one op: encoder rows of the 2B views → r(x) (mean
// pool + LayerNorm) → projection head → L2 normalisation → NT-Xent, with the chain rule written out.
// The same function as ntXent(project(representation(·))) (losses.ts, model.ts), which the tests
// check; as separate ops it dispatched hundreds more kernels per step (each op saving its inputs).
import * as tf from '@tensorflow/tfjs';
import { customOp, denseBackward, denseForward, geluBackward, geluForward, layerNormBackward, layerNormForward } from './ops';
import type { Linear, Norm } from './params';
import { contrastiveNeeds, ntXentFused, poolRowsFused, poolRowsGradFused, type ViewRows } from './webgpu/contrastive';
import { layerNormNeeds } from './webgpu/layerNorm';
import { runsFused } from './webgpu/limits';

type T1 = tf.Tensor1D;
type T2 = tf.Tensor2D;

export interface ContrastiveHead {
  repNorm: Norm;
  fc1: Linear;
  fc2: Linear;
}

const MASKED = -1e9;

/** [n, n] constants: −1e9 on the diagonal (no self-similarity), and the one-hot of each positive. */
function pairMatrices(n: number): { mask: T2; positive: T2 } {
  const mask = new Float32Array(n * n);
  const positive = new Float32Array(n * n);
  const half = n / 2;
  for (let i = 0; i < n; i++) {
    mask[i * n + i] = MASKED;
    positive[i * n + ((i + half) % n)] = 1;
  }
  return { mask: tf.tensor2d(mask, [n, n]), positive: tf.tensor2d(positive, [n, n]) };
}

/**
 * NT-Xent loss and positive-pair top-1 of the views' encoder rows [2B·T, d] (view 1 of image i is
 * row block i, view 2 is block B + i): { loss, positiveTop1 }, scalars; only loss has a gradient.
 * Backward, with S the similarity logits, P = softmax(S) per row and Y the positives:
 * dS = (P − Y)/n, dz = (dS + dSᵀ)·z/τ, then normalisation, head, LayerNorm and pooling in turn.
 */
export function contrastiveLoss(
  encoded: T2,
  head: ContrastiveHead,
  views: number,
  tokens: number,
  tau: number,
  rowOffset = 0,
): { loss: tf.Scalar; positiveTop1: tf.Scalar } {
  const d = encoded.shape[1];
  if (runsFused('contrastive', () => contrastiveNeeds(encoded.size * 4, views)) && runsFused('layerNorm', () => layerNormNeeds(views, d))) {
    return fusedContrastiveLoss(encoded, head, { views, tokens, rowOffset }, tau);
  }
  const rows =
    rowOffset === 0 && encoded.shape[0] === views * tokens ? encoded : (tf.slice(encoded, [rowOffset, 0], [views * tokens, d]) as T2);
  // Constants of this call: the enclosing tidy (the caller's step) disposes them.
  const { mask, positive } = pairMatrices(views);
  const op = customOp<[T2, T1, T1, T2, T1, T2, T1]>((x, g, beta, w1, b1, w2, b2, save) => {
    const pooled = tf.mean(tf.reshape(x, [views, tokens, d]), 1) as T2;
    const rep = layerNormForward(pooled, g, beta);
    const h1 = denseForward(rep.y, w1, b1);
    const act = geluForward(h1);
    const raw = denseForward(act, w2, b2);
    const norm = tf.maximum(tf.sqrt(tf.sum(tf.square(raw), 1, true)), 1e-12);
    const z = tf.div(raw, norm) as T2;
    const sim = tf.add(tf.div(tf.matMul(z, z, false, true), tau), mask);
    const lse = tf.logSumExp(sim, 1, true);
    const positiveLogit = tf.sum(tf.mul(sim, positive), 1, true);
    const loss = tf.neg(tf.mean(tf.sub(positiveLogit, lse)));
    // The positive is the argmax iff its logit equals the row max (ties count as hits).
    const top1 = tf.mean(tf.cast(tf.greaterEqual(positiveLogit, tf.max(sim, 1, true)), 'float32'));
    save([rep.y, ...rep.saved, g, w1, h1, act, w2, z, norm, tf.exp(tf.sub(sim, lse)), positive]);
    return {
      value: tf.stack([loss, top1]),
      gradFunc: (dy, saved) => {
        const [r, xhat, rstd, gain, weight1, pre, a, weight2, zs, norms, p, pos] = saved as T2[];
        const dS = tf.mul(tf.sub(p, pos), tf.div(tf.slice(dy, [0], [1]), views));
        const dz = tf.div(tf.matMul(tf.add(dS, tf.transpose(dS)), zs), tau);
        const dRaw = tf.div(tf.sub(dz, tf.mul(zs, tf.sum(tf.mul(zs, dz), 1, true))), norms) as T2;
        const [dAct, dW2, db2] = denseBackward(a, weight2, dRaw);
        const [dRep, dW1, db1] = denseBackward(r, weight1, geluBackward(pre, dAct));
        const [dPooled, dg, dbeta] = layerNormBackward([xhat, rstd], gain as unknown as T1, dRep);
        const dx = tf.reshape(tf.mul(tf.reshape(dPooled, [views, 1, d]), tf.fill([1, tokens, 1], 1 / tokens)), [views * tokens, d]);
        return [dx, dg, dbeta, dW1, db1, dW2, db2];
      },
    };
  });
  const both = op(rows, head.repNorm.g as T1, head.repNorm.b as T1, head.fc1.w as T2, head.fc1.b as T1, head.fc2.w as T2, head.fc2.b as T1);
  const [loss, positiveTop1] = tf.unstack(both) as tf.Scalar[];
  return { loss, positiveTop1 };
}

/**
 * contrastiveLoss on the fused WebGPU kernels (webgpu/contrastive.ts): the views' rows are read in
 * place from the whole encoder output, and the loss's gradient w.r.t. the head's output comes out of
 * the forward pass (NT-Xent's second kernel), so the backward is the head's matMuls, one GELU, the
 * norm and the pooling's gradient.
 */
function fusedContrastiveLoss(
  encoded: T2,
  head: ContrastiveHead,
  rows: ViewRows,
  tau: number,
): { loss: tf.Scalar; positiveTop1: tf.Scalar } {
  const totalRows = encoded.shape[0];
  const op = customOp<[T2, T1, T1, T2, T1, T2, T1]>((x, g, beta, w1, b1, w2, b2, save) => {
    const pooled = poolRowsFused(x, rows);
    const rep = layerNormForward(pooled, g, beta);
    const h1 = denseForward(rep.y, w1, b1);
    const act = geluForward(h1);
    const { result, dRaw } = ntXentFused(denseForward(act, w2, b2), tau);
    save([rep.y, ...rep.saved, g, w1, h1, act, w2, dRaw]);
    return {
      value: result,
      gradFunc: (dy, saved) => {
        const [r, n1, n2, gain, weight1, pre, a, weight2, dRawSaved] = saved as T2[];
        const dRawScaled = tf.mul(dRawSaved, tf.slice(dy, [0], [1])) as T2;
        const [dAct, dW2, db2] = denseBackward(a, weight2, dRawScaled);
        const [dRep, dW1, db1] = denseBackward(r, weight1, geluBackward(pre, dAct));
        const [dPooled, dg, dbeta] = layerNormBackward([n1, n2], gain as unknown as T1, dRep);
        return [poolRowsGradFused(dPooled, rows, totalRows), dg, dbeta, dW1, db1, dW2, db2];
      },
    };
  });
  const both = op(
    encoded,
    head.repNorm.g as T1,
    head.repNorm.b as T1,
    head.fc1.w as T2,
    head.fc1.b as T1,
    head.fc2.w as T2,
    head.fc2.b as T1,
  );
  const [loss, positiveTop1] = tf.unstack(both) as tf.Scalar[];
  return { loss, positiveTop1 };
}
