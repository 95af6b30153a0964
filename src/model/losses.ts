// The two losses of DESIGN §1 as pure tensor functions, parameterised exactly as
// ../shared/reference/make_vectors.py (so the reference vectors test them directly).
import * as tf from '@tensorflow/tfjs';
import { customOp, logSumExpLast } from './ops';

/** Stands in for -inf on masked logits: finite so gradients never see inf - inf. */
const MASKED = -1e9;

export interface NtXentResult {
  loss: tf.Scalar;
  /** Fraction of the 2B anchors whose most similar other view is their positive. */
  positiveTop1: tf.Scalar;
}

/** L2-normalises rows like torch.nn.functional.normalize (norm floored at 1e-12). */
export function l2Normalize(z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(z, tf.maximum(tf.norm(z, 'euclidean', 1, true), 1e-12)));
}

/**
 * SimCLR NT-Xent. z1[i] and z2[i] are the two views of image i; rows are normalised here.
 * Mean over all 2B anchors of the cross-entropy against the other view, self-similarity masked.
 * The diagonal mask and positive one-hot are built on the host (2B×2B, small) per call.
 */
export function ntXent(z1: tf.Tensor2D, z2: tf.Tensor2D, tau: number): NtXentResult {
  return tf.tidy(() => {
    const b = z1.shape[0];
    const n = 2 * b;
    const z = l2Normalize(tf.concat([z1, z2], 0));
    const maskValues = new Float32Array(n * n);
    const positive = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      maskValues[i * n + i] = MASKED;
      positive[i * n + ((i + b) % n)] = 1;
    }
    const sim = tf.add(tf.div(tf.matMul(z, z, false, true), tau), tf.tensor2d(maskValues, [n, n]));
    const logProb = tf.logSoftmax(sim, 1);
    const pos = tf.tensor2d(positive, [n, n]);
    const loss = tf.neg(tf.mean(tf.sum(tf.mul(logProb, pos), 1))) as tf.Scalar;
    // Positive is the argmax iff its logit equals the row max (ties count as hits; measure zero).
    const posLogit = tf.sum(tf.mul(sim, pos), 1);
    const hit = tf.cast(tf.greaterEqual(posLogit, tf.max(sim, 1)), 'float32');
    return { loss, positiveTop1: tf.mean(hit) as tf.Scalar };
  });
}

/**
 * log P(bin) = log(cdfDelta) where cdfDelta > 1e-5, else the density fallback logPdfMid − log(127.5)
 * (very sharp components lose cdfDelta to float cancellation). Wrapped in customGrad because the
 * branch test depends on the weights and tfjs has no gradient for comparison ops: the test must stay
 * off the tape. The gradient is that of the chosen branch, as with torch.where.
 */
const binLogProb = customOp<[tf.Tensor, tf.Tensor]>((cdfDelta, logPdfMid, save) => {
  const useDelta = tf.greater(cdfDelta, 1e-5);
  const value = tf.where(useDelta, tf.log(tf.maximum(cdfDelta, 1e-12)), tf.sub(logPdfMid, Math.log(127.5)));
  save([cdfDelta]);
  return {
    value,
    gradFunc: (dy, [delta]) => {
      const chosen = tf.greater(delta, 1e-5);
      const zeros = tf.zerosLike(dy);
      return [tf.where(chosen, tf.div(dy, tf.maximum(delta, 1e-12)), zeros), tf.where(chosen, zeros, dy)];
    },
  };
});

/**
 * Per-element negative log-likelihood (nats) of a discretised logistic mixture.
 * x: integer values 0..255 (any dtype), shape [...]; params: shape [..., M] in the [-1, 1] pixel scale.
 * Bins have width 2/255; the bins of 0 and 255 extend to -inf / +inf; log-scales clamp at -7.
 */
export function dmolNllPerElement(x: tf.Tensor, logitProbs: tf.Tensor, means: tf.Tensor, logScales: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const xf = tf.expandDims(tf.cast(x, 'float32'), -1);
    const xs = tf.sub(tf.div(xf, 127.5), 1);
    const ls = tf.maximum(logScales, -7);
    const inv = tf.exp(tf.neg(ls));
    const centered = tf.sub(xs, means);
    const plusIn = tf.mul(inv, tf.add(centered, 1 / 255));
    const minIn = tf.mul(inv, tf.sub(centered, 1 / 255));
    const logCdfPlus = tf.sub(plusIn, tf.softplus(plusIn)); // log sigmoid(plusIn): the bin of 0
    const logOneMinusCdfMin = tf.neg(tf.softplus(minIn)); // log(1 - sigmoid(minIn)): the bin of 255
    const cdfDelta = tf.sub(tf.sigmoid(plusIn), tf.sigmoid(minIn));
    const midIn = tf.mul(inv, centered);
    const logPdfMid = tf.sub(tf.sub(midIn, ls), tf.mul(2, tf.softplus(midIn)));
    const inner = binLogProb(cdfDelta, logPdfMid);
    // Edge tests on the integer value itself (equivalent to xs < -0.999 / xs > 0.999).
    // Bin family of each sub-pixel, from the data alone. Blending with 0/1 weights instead of
    // tf.where avoids where's broadcast (a Tile of the mask per call); exact, every branch is finite.
    const low = tf.cast(tf.lessEqual(xf, 0.5), 'float32');
    const high = tf.cast(tf.greaterEqual(xf, 254.5), 'float32');
    const mid = tf.sub(1, tf.add(low, high));
    const logProbs = tf.addN([tf.mul(low, logCdfPlus), tf.mul(high, logOneMinusCdfMin), tf.mul(mid, inner)]);
    // −log Σ_m softmax(l)_m·P_m = LSE(l) − LSE(l + log P), with LSE's gradient written by hand.
    const nll = tf.sub(logSumExpLast(logitProbs), logSumExpLast(tf.add(logProbs, logitProbs)));
    return tf.squeeze(nll, [nll.rank - 1]);
  });
}

/** Total negative log-likelihood in nats over every element of x (the reference's quantity). */
export function dmolNll(x: tf.Tensor, logitProbs: tf.Tensor, means: tf.Tensor, logScales: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum(dmolNllPerElement(x, logitProbs, means, logScales)) as tf.Scalar);
}

/** nats over `dims` sub-pixels → bits per dimension. */
export function natsToBitsPerDim<T extends tf.Tensor>(nats: T, dims: number): T {
  return tf.tidy(() => tf.div(nats, dims * Math.LN2) as T);
}
