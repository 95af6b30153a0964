// The generative head and its loss as one op: decoder rows → final LayerNorm → mixture parameters →
// discretised-logistic NLL summed per image, with the chain rule written out (dmol.ts, ops.ts).
// As separate ops, tfjs kept the three [B, N, P·P·3, M] parameter tensors, their gradients and a
// copy of every op's saved inputs until the step ended, and dispatched many more kernels.
import * as tf from '@tensorflow/tfjs';
import { dmolForward, recordingGradients } from './dmol';
import { customOp, denseBackward, denseForward, layerNormBackward, layerNormForward } from './ops';
import type { Dims, Linear, Norm } from './params';
import { dmolFused, dmolNeeds } from './webgpu/dmol';
import { layerNormBackwardFused, layerNormForwardFused, layerNormNeeds } from './webgpu/layerNorm';
import { runsFused } from './webgpu/limits';

type T1 = tf.Tensor1D;
type T2 = tf.Tensor2D;

/**
 * Part k (0 logits, 1 means, 2 log-scales) of the head's weight [d, D·3M] or bias [D·3M], whose
 * columns are ordered (sub-pixel, part, component): as [d, D·M] or [D·M].
 */
export function headPart<T extends tf.Tensor>(p: T, k: number, dims: Dims): T {
  const { patchDim: d3, mixtures: m } = dims;
  if (p.rank === 1) return tf.reshape(tf.slice(tf.reshape(p, [d3, 3 * m]), [0, k * m], [d3, m]), [d3 * m]) as T;
  const rows = p.shape[0];
  return tf.reshape(tf.slice(tf.reshape(p, [rows, d3, 3 * m]), [0, 0, k * m], [rows, d3, m]), [rows, d3 * m]) as T;
}

/** Inverse of headPart for gradients: three [rows, D·M] (or [D·M]) parts → [rows, D·3M] (or [D·3M]). */
function joinParts(parts: tf.Tensor[], dims: Dims): tf.Tensor {
  const { patchDim: d3, mixtures: m } = dims;
  const lead = parts[0].rank === 1 ? [] : [parts[0].shape[0]];
  const joined = tf.concat(
    parts.map((t) => tf.reshape(t, [...lead, d3, m])),
    -1,
  );
  return tf.reshape(joined, lead.length ? [lead[0], d3 * 3 * m] : [d3 * 3 * m]);
}

/**
 * Per-image NLL in nats [B] of integer-valued patches [B, N, D] given decoder rows [B·N, d] for the
 * positions that predict them: y = LN(rows)·W + b split into (logits, means, log-scales).
 */
export function generativeNllNats(rows: T2, norm: Norm, head: Linear, patches: tf.Tensor3D, dims: Dims): T1 {
  const [batch, count, d3] = patches.shape;
  const m = dims.mixtures;
  const op = customOp<[T2, T1, T1, T2, T1]>((x, g, beta, w, b, save) => {
    const normed = layerNormForward(x, g, beta);
    const [l, mu, s] = [0, 1, 2].map((k) =>
      tf.reshape(denseForward(normed.y, headPart(w, k, dims), headPart(b, k, dims)), [batch, count, d3, m]),
    );
    const { nll, factors } = dmolForward(patches, l, mu, s, recordingGradients());
    if (factors) save([normed.y, ...normed.saved, g, w, ...factors]);
    return {
      value: tf.sum(nll, [1, 2, 3]),
      gradFunc: (dy, saved) => {
        const [h, xhat, rstd, gain, weight, ...grads] = saved as T2[];
        const perImage = tf.reshape(dy, [batch, 1, 1, 1]);
        const parts = grads.map((f, k) =>
          tf.tidy(() => denseBackward(h, headPart(weight, k, dims), tf.reshape(tf.mul(f, perImage), [batch * count, d3 * m]) as T2)),
        );
        const [dx, dg, dbeta] = layerNormBackward([xhat, rstd], gain as unknown as T1, tf.addN(parts.map(([dh]) => dh)) as T2);
        return [
          dx,
          dg,
          dbeta,
          joinParts(
            parts.map(([, dw]) => dw),
            dims,
          ),
          joinParts(
            parts.map(([, , db]) => db),
            dims,
          ),
        ];
      },
    };
  });
  return op(rows, norm.g as T1, norm.b as T1, head.w as T2, head.b as T1) as T1;
}

/**
 * generativeNllNats from the decoder's output [B·T, d] itself, for the fused WebGPU kernels: the
 * final norm reads the N predicting rows of each image through a row map (no slice, and its
 * backward writes the decoder's gradient with zeros at the last position), the head is one matMul,
 * and one kernel gives every image's NLL and its gradient w.r.t. the head's outputs
 * (webgpu/dmol.ts). Elsewhere, or where a kernel does not fit: slice + generativeNllNats.
 */
export function generativeNllNatsFromDecoder(decoded: T2, norm: Norm, head: Linear, patches: tf.Tensor3D, dims: Dims): T1 {
  const [batch, count, d3] = patches.shape;
  const { tokens, dim, mixtures } = dims;
  const paramCount = batch * count * d3 * 3 * mixtures;
  const fused =
    count === tokens - 1 &&
    runsFused('dmol', () => dmolNeeds(paramCount, mixtures)) &&
    runsFused('layerNorm', () => layerNormNeeds(decoded.shape[0], dim));
  if (!fused) {
    const rows = tf.reshape(tf.slice(tf.reshape(decoded, [batch, tokens, dim]), [0, 0, 0], [batch, count, dim]), [batch * count, dim]);
    return generativeNllNats(rows as T2, norm, head, patches, dims);
  }
  const map = { perGroup: count, groupStride: tokens, rowOffset: 0 };
  const op = customOp<[T2, T1, T1, T2, T1]>((x, g, beta, w, b, save) => {
    const normed = layerNormForwardFused(x, g, beta, map, batch * count);
    const params = denseForward(normed.y, w, b);
    const { nats, grad } = dmolFused(patches, params, mixtures, recordingGradients());
    if (grad) save([normed.y, normed.saved.x, normed.saved.stats, g, w, grad]);
    return {
      value: nats,
      gradFunc: (dy, saved) => {
        const [h, xs, stats, gain, weight, factors] = saved as T2[];
        const dParams = tf.reshape(tf.mul(tf.reshape(factors, [batch, -1]), tf.reshape(dy, [batch, 1])), factors.shape) as T2;
        const [dh, dW, db] = denseBackward(h, weight, dParams);
        const [dx, dg, dbeta] = layerNormBackwardFused({ x: xs, stats, map }, gain as unknown as T1, dh);
        return [dx, dg, dbeta, dW, db];
      },
    };
  });
  return op(decoded, norm.g as T1, norm.b as T1, head.w as T2, head.b as T1) as T1;
}
