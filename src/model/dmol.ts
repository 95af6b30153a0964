// The discretised logistic mixture NLL (docs/model.md#generative-head-and-l_gen) as one op with its
// gradient derived by hand, parameterised exactly as the reference vectors (docs/model.md#reference-values).
// Autodiff through its elementwise ops dispatched several kernels per op and kept tens of tensors of the
// head's full size [B, N, P·P·3, M] until the step ended; this op keeps three.
import * as tf from '@tensorflow/tfjs';
import { customOp } from './ops';

const HALF_BIN = 1 / 255;
const LOG_127_5 = Math.log(127.5);
/** Below this, σ(plus) − σ(minus) has lost its digits to cancellation: use the density instead. */
const MIN_DELTA = 1e-5;

function logSumExpKeep(x: tf.Tensor): tf.Tensor {
  const max = tf.max(x, -1, true);
  return tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, max)), -1, true)), max);
}

/** The per-element NLL [..., 1] and, when `withGradient`, its three gradient factors (∂/∂l, ∂/∂μ, ∂/∂s). */
export interface DmolForward {
  nll: tf.Tensor;
  factors: [tf.Tensor, tf.Tensor, tf.Tensor] | null;
}

/**
 * Per-element negative log-likelihood (nats) of a discretised logistic mixture, outside the tape.
 * x: integer values 0..255 (any dtype), shape [...]; params: shape [..., M] in the [-1, 1] pixel scale.
 * Bins have width 2/255; the bins of 0 and 255 extend to -inf / +inf; log-scales clamp at -7.
 *
 * With c = x − μ, s = max(log-scale, −7), p = e⁻ˢ(c + 1/255), q = e⁻ˢ(c − 1/255), u = e⁻ˢc, the log
 * probability of component m is log σ(p) at 0, log(1 − σ(q)) at 255, else log(σ(p) − σ(q)), or the
 * density u − s − 2·softplus(u) − log 127.5 where that difference is below 1e-5 (as torch.where, the
 * gradient is the chosen branch's). NLL = LSE(l) − LSE(l + log P). With r = softmax(l + log P) and
 * π = softmax(l): ∂/∂l = π − r, ∂/∂μ = r·e⁻ˢ·(A + B + U), ∂/∂s = r·(p·A + q·B + u·U + [density]),
 * where A, B, U are ∂ log P / ∂p, ∂q, ∂u of the branch in use.
 */
export function dmolForward(x: tf.Tensor, l: tf.Tensor, mu: tf.Tensor, rawScale: tf.Tensor, withGradient: boolean): DmolForward {
  const xf = tf.expandDims(tf.cast(x, 'float32'), -1);
  const xs = tf.sub(tf.div(xf, 127.5), 1);
  // Bin family of each sub-pixel, from the data alone (edge tests on the integer value itself).
  // 0/1 blends replace tf.where, whose broadcast of these masks costs a Tile; every branch is finite.
  const low = tf.cast(tf.lessEqual(xf, 0.5), 'float32');
  const high = tf.cast(tf.greaterEqual(xf, 254.5), 'float32');
  const mid = tf.sub(1, tf.add(low, high));
  const s = tf.maximum(rawScale, -7);
  const inv = tf.exp(tf.neg(s));
  const c = tf.sub(xs, mu);
  const p = tf.mul(inv, tf.add(c, HALF_BIN));
  const q = tf.mul(inv, tf.sub(c, HALF_BIN));
  const u = tf.mul(inv, c);
  const sigP = tf.sigmoid(p);
  const sigQ = tf.sigmoid(q);
  const delta = tf.sub(sigP, sigQ);
  const useDelta = tf.cast(tf.greater(delta, MIN_DELTA), 'float32');
  const midDelta = tf.mul(mid, useDelta);
  const midDensity = tf.sub(mid, midDelta);
  const safeDelta = tf.maximum(delta, 1e-12);
  const logDensity = tf.sub(tf.sub(tf.sub(u, s), tf.mul(2, tf.softplus(u))), LOG_127_5);
  const logProb = tf.addN([
    tf.mul(low, tf.sub(p, tf.softplus(p))),
    tf.mul(high, tf.neg(tf.softplus(q))),
    tf.mul(midDelta, tf.log(safeDelta)),
    tf.mul(midDensity, logDensity),
  ]);
  const joint = tf.add(l, logProb);
  const lseL = logSumExpKeep(l);
  const lseJoint = logSumExpKeep(joint);
  const nll = tf.sub(lseL, lseJoint);
  if (!withGradient) return { nll, factors: null };
  const r = tf.exp(tf.sub(joint, lseJoint));
  const a = tf.add(tf.mul(low, tf.sub(1, sigP)), tf.div(tf.mul(midDelta, tf.mul(sigP, tf.sub(1, sigP))), safeDelta));
  const b = tf.neg(tf.add(tf.mul(high, sigQ), tf.div(tf.mul(midDelta, tf.mul(sigQ, tf.sub(1, sigQ))), safeDelta)));
  const uu = tf.mul(midDensity, tf.sub(1, tf.mul(2, tf.sigmoid(u))));
  const gradL = tf.sub(tf.exp(tf.sub(l, lseL)), r);
  const gradMu = tf.mul(tf.mul(r, inv), tf.addN([a, b, uu]));
  const inRange = tf.cast(tf.greaterEqual(rawScale, -7), 'float32'); // max's gradient, as tfjs's
  const gradScale = tf.mul(tf.mul(r, inRange), tf.addN([tf.mul(p, a), tf.mul(q, b), tf.mul(u, uu), midDensity]));
  return { nll, factors: [gradL, gradMu, gradScale] };
}

/** Whether ops run now are recorded for a gradient (training), so gradient factors are worth making. */
export function recordingGradients(): boolean {
  return tf.engine().state.gradientDepth > 0;
}

/** dmolForward as one op: per-element NLL [...] with its hand-written gradient. */
export function dmolNllPerElement(x: tf.Tensor, logitProbs: tf.Tensor, means: tf.Tensor, logScales: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const op = customOp<[tf.Tensor, tf.Tensor, tf.Tensor]>((l, mu, rawScale, save) => {
      const { nll, factors } = dmolForward(x, l, mu, rawScale, recordingGradients());
      if (factors) save(factors);
      return { value: nll, gradFunc: (dy, saved) => saved.map((f) => tf.mul(dy, f)) };
    });
    return tf.squeeze(op(logitProbs, means, logScales), [-1]);
  });
}
