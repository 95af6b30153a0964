// The two losses of docs/model.md as pure tensor functions, parameterised exactly as the independent
// implementation behind the reference vectors (docs/model.md#reference-values), which test them directly.
import * as tf from '@tensorflow/tfjs';
import { dmolNllPerElement } from './dmol';

export { dmolNllPerElement };

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

/** Total negative log-likelihood in nats over every element of x (the reference's quantity). */
export function dmolNll(x: tf.Tensor, logitProbs: tf.Tensor, means: tf.Tensor, logScales: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum(dmolNllPerElement(x, logitProbs, means, logScales)) as tf.Scalar);
}

/** nats over `dims` sub-pixels → bits per dimension. */
export function natsToBitsPerDim<T extends tf.Tensor>(nats: T, dims: number): T {
  return tf.tidy(() => tf.div(nats, dims * Math.LN2) as T);
}
