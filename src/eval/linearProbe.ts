// Linear probe (docs/evaluations.md#linear-probe): multinomial logistic regression on frozen, standardised representations,
// L2-regularised and trained to convergence. It is the headline "is this representation
// discriminative" number, and it also supplies the robustness and calibration evaluations.
//
// Training is full-batch L-BFGS: the objective is convex and smooth, so a quasi-Newton method reaches
// the optimum in tens to a few hundred iterations, where SGD would leave the answer depending on a
// learning-rate schedule. The n×d features stay on the device as one tensor (the large part); the
// loss and gradient come back as a scalar and a (d+1)·C vector, and the L-BFGS bookkeeping runs in
// plain TypeScript on that small vector. Prediction is plain TypeScript too: with the learned weights
// it is n·d·C multiply-adds, cheap, synchronous, and needs no tensors, so a fitted probe is a plain
// object that can be reused on every corrupted test set.

import * as tf from '@tensorflow/tfjs';
import { checkpoint, type CancelOptions } from './cancel';
import type { ProbeStop } from './evalTypes';
import { axpy, dot, maxAbs, negate, sub, twoLoopDirection } from './lbfgs';

export interface LinearProbeOptions extends CancelOptions {
  /** L2 penalty λ on the weights (not the bias); objective = mean cross-entropy + λ/2·‖W‖². */
  l2?: number;
  /** Hard cap on L-BFGS iterations. */
  maxIterations?: number;
  /** Converged when the largest gradient component falls below this. */
  gradientTolerance?: number;
  /** Number of (s, y) pairs L-BFGS remembers. */
  history?: number;
}

/** How a fit ended. */
export interface ProbeFit {
  readonly iterations: number;
  /**
   * 'converged': the gradient fell below the tolerance. 'stalled': the loss stopped moving, or no step
   * decreased it any more, while the gradient was still above it (the optimum is beyond what float32
   * resolves here, or the features are broken). 'iterationCap': maxIterations ran out.
   */
  readonly stop: ProbeStop;
  /** Largest gradient component at the end (NaN when the objective was not finite). */
  readonly gradient: number;
  /** Final training objective (mean cross-entropy + penalty). */
  readonly loss: number;
}

/** A fitted probe: plain arrays (transferable, serialisable) plus prediction helpers. */
export interface LinearProbe extends ProbeFit {
  readonly d: number;
  readonly numClasses: number;
  /** Per-feature mean and standard deviation of the training features (standardisation). */
  readonly mean: Float32Array;
  readonly std: Float32Array;
  /** d×numClasses, row-major, acting on standardised features. */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  /** stop === 'converged': the gradient is below the tolerance. */
  readonly converged: boolean;
  /** Softmax probabilities, n×numClasses row-major, for raw (unstandardised) features n×d. */
  predictProbs(features: Float32Array): Float32Array;
  /** Arg-max class per row. */
  predict(features: Float32Array): Int32Array;
  /** Top-1 accuracy in [0, 1]. */
  accuracy(features: Float32Array, labels: Int32Array): number;
}

const DEFAULTS = { l2: 1e-4, maxIterations: 500, gradientTolerance: 1e-5, history: 10 };
// Relative loss decrease below which an accepted step counts as "no progress" (float32 round-off).
const STALL_TOLERANCE = 1e-9;

/** Fits the probe on n×d features (row-major) with integer labels in [0, numClasses). */
export async function fitLinearProbe(
  features: Float32Array,
  n: number,
  d: number,
  labels: Int32Array,
  numClasses: number,
  opts: LinearProbeOptions = {},
): Promise<LinearProbe> {
  if (features.length !== n * d) throw new Error(`fitLinearProbe: features has ${features.length} values, expected ${n}×${d}`);
  if (labels.length !== n) throw new Error(`fitLinearProbe: ${labels.length} labels for ${n} rows`);
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0 || labels[i] >= numClasses) throw new Error(`fitLinearProbe: label ${labels[i]} out of range`);
  }
  const l2 = opts.l2 ?? DEFAULTS.l2;
  const maxIterations = opts.maxIterations ?? DEFAULTS.maxIterations;
  const gradTol = opts.gradientTolerance ?? DEFAULTS.gradientTolerance;
  const m = opts.history ?? DEFAULTS.history;

  const { mean, std } = meanAndStd(features, n, d);
  const standardised = standardise(features, n, d, mean, std);
  const x = tf.tensor2d(standardised, [n, d]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses).toFloat());
  const p = d * numClasses + numClasses;

  // Objective and gradient at theta = [W (d×C row-major), b (C)]. The matMuls run on the device; the
  // per-row losses come back and are summed in float64 here, because a float32 sum over 10k rows
  // rounds away exactly the small decreases the line search has to see near the optimum.
  const evaluate = async (theta: Float64Array): Promise<{ loss: number; grad: Float64Array }> => {
    const [rowLossT, gradT] = tf.tidy(() => {
      const w = tf.tensor2d(Float32Array.from(theta.subarray(0, d * numClasses)), [d, numClasses]);
      const b = tf.tensor1d(Float32Array.from(theta.subarray(d * numClasses)));
      const logp = tf.logSoftmax(tf.add(tf.matMul(x, w), b));
      const rowLoss = tf.neg(tf.sum(tf.mul(y, logp), 1));
      // d/dlogits of the mean cross-entropy is (softmax − onehot)/n.
      const g = tf.div(tf.sub(tf.exp(logp), y), n);
      const gw = tf.add(tf.matMul(x, g, true, false), tf.mul(w, l2));
      const gb = tf.sum(g, 0);
      return [rowLoss, tf.concat([tf.reshape(gw, [-1]), gb])];
    });
    try {
      const [rows, gv] = await Promise.all([rowLossT.data(), gradT.data()]);
      let nll = 0;
      for (let i = 0; i < n; i++) nll += rows[i];
      let penalty = 0;
      for (let i = 0; i < d * numClasses; i++) penalty += theta[i] * theta[i];
      return { loss: nll / n + (l2 / 2) * penalty, grad: Float64Array.from(gv) };
    } finally {
      rowLossT.dispose();
      gradT.dispose();
    }
  };

  let theta: Float64Array = new Float64Array(p);
  let iterations = 0;
  let stalled = false;
  let current: { loss: number; grad: Float64Array };
  try {
    current = await evaluate(theta);
    const sHist: Float64Array[] = [];
    const yHist: Float64Array[] = [];
    const rhoHist: number[] = [];
    for (; iterations < maxIterations; iterations++) {
      if (maxAbs(current.grad) < gradTol) break;
      if (iterations % 10 === 0) await checkpoint(opts.signal);
      opts.onProgress?.(iterations, maxIterations);

      let dir = twoLoopDirection(current.grad, sHist, yHist, rhoHist);
      let slope = dot(current.grad, dir);
      if (!(slope < 0)) {
        // Not a descent direction (only possible from round-off): restart from steepest descent.
        sHist.length = yHist.length = rhoHist.length = 0;
        dir = negate(current.grad);
        slope = dot(current.grad, dir);
      }
      // First step has no curvature information: scale it so the first trial moves by about 1.
      let step = sHist.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(current.grad, current.grad))) : 1;
      let next: { loss: number; grad: Float64Array } | null = null;
      let trial = theta;
      for (let tries = 0; tries < 40; tries++) {
        trial = axpy(step, dir, theta);
        const candidate = await evaluate(trial);
        // Armijo sufficient decrease.
        if (Number.isFinite(candidate.loss) && candidate.loss <= current.loss + 1e-4 * step * slope) {
          next = candidate;
          break;
        }
        step *= 0.5;
      }
      if (next === null) {
        // No step decreases the loss any more: at the optimum to working precision, or the
        // objective is not finite. The gradient decides which, after the loop.
        stalled = true;
        break;
      }
      const s = sub(trial, theta);
      const yv = sub(next.grad, current.grad);
      const sy = dot(s, yv);
      // Keep the pair only when curvature is positive, so the implicit Hessian stays positive definite.
      if (sy > 1e-12) {
        if (sHist.length === m) {
          sHist.shift();
          yHist.shift();
          rhoHist.shift();
        }
        sHist.push(s);
        yHist.push(yv);
        rhoHist.push(1 / sy);
      }
      const decrease = current.loss - next.loss;
      theta = trial;
      current = next;
      // The loss has stopped moving at the precision the float32 device arithmetic allows: further
      // iterations would only chase round-off. Converged only if the gradient is small too.
      if (decrease <= STALL_TOLERANCE * Math.max(1, Math.abs(current.loss))) {
        stalled = true;
        iterations++;
        break;
      }
    }
  } finally {
    x.dispose();
    y.dispose();
  }
  opts.onProgress?.(maxIterations, maxIterations);

  const weights = Float32Array.from(theta.subarray(0, d * numClasses));
  const bias = Float32Array.from(theta.subarray(d * numClasses));
  const gradient = maxAbs(current.grad); // NaN when any component is
  const stop: ProbeStop = gradient < gradTol ? 'converged' : stalled ? 'stalled' : 'iterationCap';
  return makeProbe(d, numClasses, mean, std, weights, bias, { iterations, stop, gradient, loss: current.loss });
}

/** Builds a probe object from its parameters and how they were fitted. */
export function makeProbe(
  d: number,
  numClasses: number,
  mean: Float32Array,
  std: Float32Array,
  weights: Float32Array,
  bias: Float32Array,
  fit: ProbeFit,
): LinearProbe {
  const predictProbs = (features: Float32Array): Float32Array => {
    if (features.length % d !== 0) throw new Error(`predictProbs: ${features.length} values is not a multiple of d=${d}`);
    const n = features.length / d;
    const out = new Float32Array(n * numClasses);
    const z = new Float64Array(d);
    const logits = new Float64Array(numClasses);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) z[j] = (features[i * d + j] - mean[j]) / std[j];
      for (let c = 0; c < numClasses; c++) logits[c] = bias[c];
      for (let j = 0; j < d; j++) {
        const zj = z[j];
        const row = j * numClasses;
        for (let c = 0; c < numClasses; c++) logits[c] += zj * weights[row + c];
      }
      // Subtract the max before exp so large logits do not overflow.
      let max = -Infinity;
      for (let c = 0; c < numClasses; c++) if (logits[c] > max) max = logits[c];
      let sum = 0;
      for (let c = 0; c < numClasses; c++) {
        logits[c] = Math.exp(logits[c] - max);
        sum += logits[c];
      }
      for (let c = 0; c < numClasses; c++) out[i * numClasses + c] = logits[c] / sum;
    }
    return out;
  };
  const predict = (features: Float32Array): Int32Array => argmaxRows(predictProbs(features), numClasses);
  const accuracy = (features: Float32Array, labels: Int32Array): number => {
    const pred = predict(features);
    if (pred.length !== labels.length) throw new Error(`accuracy: ${pred.length} rows, ${labels.length} labels`);
    if (pred.length === 0) return Number.NaN;
    let correct = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) correct++;
    return correct / pred.length;
  };
  return { d, numClasses, mean, std, weights, bias, ...fit, converged: fit.stop === 'converged', predictProbs, predict, accuracy };
}

/** Arg-max of each row of an n×C row-major matrix (first index wins ties). */
export function argmaxRows(values: Float32Array, numClasses: number): Int32Array {
  const n = values.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (values[i * numClasses + c] > values[i * numClasses + best]) best = c;
    out[i] = best;
  }
  return out;
}

// Standardisation statistics in float64; a constant feature gets std 1 so it maps to 0, not NaN.
function meanAndStd(features: Float32Array, n: number, d: number): { mean: Float32Array; std: Float32Array } {
  const sum = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sum[j] += features[i * d + j];
  const mean = new Float64Array(d);
  for (let j = 0; j < d; j++) mean[j] = sum[j] / n;
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const c = features[i * d + j] - mean[j];
      sq[j] += c * c;
    }
  }
  const std = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(sq[j] / n);
    std[j] = s > 1e-6 ? s : 1;
  }
  return { mean: Float32Array.from(mean), std };
}

function standardise(features: Float32Array, n: number, d: number, mean: Float32Array, std: Float32Array): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = (features[i * d + j] - mean[j]) / std[j];
  return out;
}
