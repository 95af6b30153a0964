// How a fused kernel is compared with its tfjs-op reference: forward outputs and the gradients of a
// fixed random projection of them, both paths on the same backend, same inputs.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../model/rng';
import { forceReferenceOps } from '../model/webgpu/limits';

/** One check's figures: per compared tensor, max |fused − reference| / max |reference|. */
export interface CheckResult {
  name: string;
  errors: Record<string, number>;
  /** The largest of `errors`. */
  worst: number;
  /** Our kernels (tfjs kernel names starting with "Hybrid") that ran on the fused side. */
  fusedKernels: string[];
  /** Compute dispatches counted at the WebGPU API, where a check counts them: fused and reference side. */
  dispatches?: { fused: number; reference: number };
}

/** Normalised max error; NaN anywhere (or mismatched sizes) counts as infinitely wrong. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    if (!Number.isFinite(actual[i]) || !Number.isFinite(expected[i])) return Infinity;
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** A tensor of seeded uniform values in [lo, hi). */
export function seeded(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.uniform(lo, hi);
  return tf.tensor(values, shape, 'float32');
}

type Fn = (...inputs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
type VarFn = () => tf.Tensor | tf.Tensor[];

/** Outputs of f and the gradients of Σ wₖ·outₖ (w seeded, one per output element) w.r.t. `wrt` inputs. */
async function evaluate(f: Fn, inputs: tf.Tensor[], wrt: number[]): Promise<{ outputs: Float32Array[]; grads: Float32Array[] }> {
  const listed = (r: tf.Tensor | tf.Tensor[]) => (Array.isArray(r) ? r : [r]);
  const outputs = tf.tidy(() => listed(f(...inputs)).map((t) => tf.keep(t)));
  const weights = outputs.map((o, i) => seeded(o.shape, 9000 + i));
  const grads =
    wrt.length === 0
      ? []
      : tf.tidy(() => {
          const objective = (...xs: tf.Tensor[]) => {
            const all = inputs.map((t, i) => (wrt.includes(i) ? xs[wrt.indexOf(i)] : t));
            const outs = listed(f(...all));
            return tf.addN(outs.map((o, i) => tf.sum(tf.mul(o, weights[i])))) as tf.Scalar;
          };
          return tf
            .grads(objective)(wrt.map((i) => inputs[i]))
            .map((t) => tf.keep(t));
        });
  const read = async (ts: tf.Tensor[]) => Promise.all(ts.map(async (t) => Float32Array.from(await t.data())));
  const result = { outputs: await read(outputs), grads: await read(grads) };
  tf.dispose([...outputs, ...grads, ...weights]);
  return result;
}

/** Outputs of f and the gradients of Σ wₖ·outₖ w.r.t. the variables. */
async function evaluateVars(f: VarFn, vars: tf.Variable[]): Promise<{ outputs: Float32Array[]; grads: Float32Array[] }> {
  const listed = (r: tf.Tensor | tf.Tensor[]) => (Array.isArray(r) ? r : [r]);
  const outputs = tf.tidy(() => listed(f()).map((t) => tf.keep(t)));
  const weights = outputs.map((o, i) => seeded(o.shape, 9000 + i));
  const grads = tf.tidy(() => {
    const { grads: g } = tf.variableGrads(() => tf.addN(listed(f()).map((o, i) => tf.sum(tf.mul(o, weights[i])))) as tf.Scalar, vars);
    return vars.map((v) => tf.keep(g[v.name]));
  });
  const read = async (ts: tf.Tensor[]) => Promise.all(ts.map(async (t) => Float32Array.from(await t.data())));
  const result = { outputs: await read(outputs), grads: await read(grads) };
  tf.dispose([...outputs, ...grads, ...weights]);
  return result;
}

/** compareFused for a function of the given variables (gradients w.r.t. each variable, named by `names`). */
export async function compareFusedVars(name: string, f: VarFn, vars: tf.Variable[], names: string[]): Promise<CheckResult> {
  forceReferenceOps(true);
  let reference;
  try {
    reference = await evaluateVars(f, vars);
  } finally {
    forceReferenceOps(false);
  }
  let fusedRun: Awaited<ReturnType<typeof evaluateVars>> | undefined;
  const kernels = new Set<string>();
  const profile = await tf.profile(async () => {
    fusedRun = await evaluateVars(f, vars);
  });
  for (const k of profile.kernels) if (k.name.startsWith('Hybrid')) kernels.add(k.name);
  const fused = fusedRun as unknown as Awaited<ReturnType<typeof evaluateVars>>;
  const errors: Record<string, number> = {};
  reference.outputs.forEach((r, i) => (errors[`out${i}`] = relativeError(fused.outputs[i], r)));
  reference.grads.forEach((r, i) => (errors[`d ${names[i]}`] = relativeError(fused.grads[i], r)));
  return { name, errors, worst: Math.max(...Object.values(errors)), fusedKernels: [...kernels].sort() };
}

/**
 * Runs f with the fused kernels and again with every op on its tfjs-op path, and compares outputs
 * and the gradients w.r.t. the inputs listed in `wrt`.
 */
export async function compareFused(name: string, f: Fn, inputs: tf.Tensor[], wrt: number[]): Promise<CheckResult> {
  forceReferenceOps(true);
  let reference;
  let fused: Awaited<ReturnType<typeof evaluate>> | undefined;
  try {
    reference = await evaluate(f, inputs, wrt);
  } finally {
    forceReferenceOps(false);
  }
  const kernels = new Set<string>();
  const profile = await tf.profile(async () => {
    fused = await evaluate(f, inputs, wrt);
  });
  for (const k of profile.kernels) if (k.name.startsWith('Hybrid')) kernels.add(k.name);
  const fusedRun = fused as unknown as Awaited<ReturnType<typeof evaluate>>;
  const errors: Record<string, number> = {};
  reference.outputs.forEach((r, i) => (errors[`out${i}`] = relativeError(fusedRun.outputs[i], r)));
  reference.grads.forEach((r, i) => (errors[`d${wrt[i]}`] = relativeError(fusedRun.grads[i], r)));
  return { name, errors, worst: Math.max(...Object.values(errors)), fusedKernels: [...kernels].sort() };
}
