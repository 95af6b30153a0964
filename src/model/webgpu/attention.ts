// Causal multi-head attention for the model's short sequences (T ≤ a few hundred) as one WebGPU
// kernel forward and one backward, reading q, k and v straight from the QKV projection's output
// [B·T, 3d] (columns q | k | v, each heads × dh) and writing rows [B·T, d] with the heads merged.
//
// Forward: one thread per (image, head, query) runs an online softmax over the keys it may see
// (j ≤ i), so scores, mask, softmax and the weighted sum of v never leave registers; it keeps the
// row's log-sum-exp for the backward. Backward: one thread per query computes dq, one per key
// computes dk and dv, in the same dispatch, each recomputing P = exp(q·k·scale − lse):
//   D_i = dO_i·O_i,  dS_ij = P_ij (dO_i·v_j − D_i),  dq_i = scale·Σ_j dS_ij k_j,
//   dk_j = scale·Σ_i dS_ij q_i,  dv_j = Σ_i P_ij dO_i.
// The reference is the tfjs-op attention core in ../attention.ts.
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { KernelNeeds } from './limits';
import { grid, runProgram, WGSL_GROUP_INDEX, type BackendInternals, type ProgramSpec } from './runner';
import { wgslMain } from './wgsl';

const THREADS = 64;
/** Head widths above this would spill the per-thread arrays (q, accumulators) out of registers. */
const MAX_HEAD_DIM = 64;

export interface AttentionDims {
  batch: number;
  tokens: number;
  heads: number;
}

const UNIFORMS: [string, 'u32' | 'f32'][] = [
  ['count', 'u32'],
  ['T', 'u32'],
  ['H', 'u32'],
  ['d', 'u32'],
  ['scale', 'f32'],
];

/** Index helpers: thread idx → (image b, head h, position i) and buffer offsets. */
const LOCATE = `
fn rowOf(b: u32, i: u32) -> u32 { return b * u.T + i; }
fn qAt(row: u32, h: u32) -> u32 { return row * 3u * u.d + h * DH; }
fn kAt(row: u32, h: u32) -> u32 { return row * 3u * u.d + u.d + h * DH; }
fn vAt(row: u32, h: u32) -> u32 { return row * 3u * u.d + 2u * u.d + h * DH; }
fn oAt(row: u32, h: u32) -> u32 { return row * u.d + h * DH; }`;

function forwardSpec(dh: number): ProgramSpec {
  return {
    key: `hl_attention_fwd_${dh}`,
    outputs: ['out', 'lse'],
    inputs: ['qkv'],
    uniforms: UNIFORMS,
    main: `
const DH: u32 = ${dh}u;
${WGSL_GROUP_INDEX}
${LOCATE}
${wgslMain(THREADS)}
  let idx = groupIndex(wid, nwg) * ${THREADS}u + lid;
  if (idx >= u.count) { return; }
  let i = idx % u.T;
  let h = (idx / u.T) % u.H;
  let b = idx / (u.T * u.H);
  let qo = qAt(rowOf(b, i), h);
  var q: array<f32, ${dh}>;
  for (var e = 0u; e < DH; e++) { q[e] = qkv[qo + e]; }
  // Key 0 is always visible: start the running max, sum and weighted sum from it.
  var s0 = 0.0;
  let k0 = kAt(rowOf(b, 0u), h);
  for (var e = 0u; e < DH; e++) { s0 += q[e] * qkv[k0 + e]; }
  var m = s0 * u.scale;
  var l = 1.0;
  var acc: array<f32, ${dh}>;
  let v0 = vAt(rowOf(b, 0u), h);
  for (var e = 0u; e < DH; e++) { acc[e] = qkv[v0 + e]; }
  for (var j = 1u; j <= i; j++) {
    let ko = kAt(rowOf(b, j), h);
    var s = 0.0;
    for (var e = 0u; e < DH; e++) { s += q[e] * qkv[ko + e]; }
    s = s * u.scale;
    let mNew = max(m, s);
    let keep = exp(m - mNew);
    let p = exp(s - mNew);
    l = l * keep + p;
    let vo = vAt(rowOf(b, j), h);
    for (var e = 0u; e < DH; e++) { acc[e] = acc[e] * keep + p * qkv[vo + e]; }
    m = mNew;
  }
  let oo = oAt(rowOf(b, i), h);
  for (var e = 0u; e < DH; e++) { out[oo + e] = acc[e] / l; }
  lse[idx] = m + log(l);
}`,
  };
}

function backwardSpec(dh: number): ProgramSpec {
  return {
    key: `hl_attention_grad_${dh}`,
    outputs: ['dqkv'],
    inputs: ['qkv', 'o', 'dout', 'lse'],
    uniforms: UNIFORMS,
    main: `
const DH: u32 = ${dh}u;
${WGSL_GROUP_INDEX}
${LOCATE}
fn dotRow(a: u32, bOff: u32) -> f32 {
  var s = 0.0;
  for (var e = 0u; e < DH; e++) { s += dout[a + e] * o[bOff + e]; }
  return s;
}
${wgslMain(THREADS)}
  let flat = groupIndex(wid, nwg) * ${THREADS}u + lid;
  if (flat >= 2u * u.count) { return; }
  let isKey = flat >= u.count;
  let idx = select(flat, flat - u.count, isKey);
  let t = idx % u.T;
  let h = (idx / u.T) % u.H;
  let b = idx / (u.T * u.H);
  let bh = idx - t;
  if (!isKey) {
    // Query t: dq = scale·Σ_j P_tj (dO_t·v_j − D_t) k_j over the keys it saw.
    let row = rowOf(b, t);
    let qo = qAt(row, h);
    let oo = oAt(row, h);
    let dsum = dotRow(oo, oo);
    let lse_t = lse[idx];
    var dq: array<f32, ${dh}>;
    for (var e = 0u; e < DH; e++) { dq[e] = 0.0; }
    for (var j = 0u; j <= t; j++) {
      let ko = kAt(rowOf(b, j), h);
      let vo = vAt(rowOf(b, j), h);
      var s = 0.0;
      var dp = 0.0;
      for (var e = 0u; e < DH; e++) {
        s += qkv[qo + e] * qkv[ko + e];
        dp += dout[oo + e] * qkv[vo + e];
      }
      let p = exp(s * u.scale - lse_t);
      let ds = p * (dp - dsum);
      for (var e = 0u; e < DH; e++) { dq[e] += ds * qkv[ko + e]; }
    }
    for (var e = 0u; e < DH; e++) { dqkv[qo + e] = dq[e] * u.scale; }
  } else {
    // Key t: dk = scale·Σ_i dS_it q_i and dv = Σ_i P_it dO_i over the queries that saw it.
    let row = rowOf(b, t);
    let ko = kAt(row, h);
    let vo = vAt(row, h);
    var dk: array<f32, ${dh}>;
    var dv: array<f32, ${dh}>;
    for (var e = 0u; e < DH; e++) {
      dk[e] = 0.0;
      dv[e] = 0.0;
    }
    for (var i = t; i < u.T; i++) {
      let qi = qAt(rowOf(b, i), h);
      let oi = oAt(rowOf(b, i), h);
      var s = 0.0;
      var dp = 0.0;
      for (var e = 0u; e < DH; e++) {
        s += qkv[qi + e] * qkv[ko + e];
        dp += dout[oi + e] * qkv[vo + e];
      }
      let p = exp(s * u.scale - lse[bh + i]);
      let ds = p * (dp - dotRow(oi, oi));
      for (var e = 0u; e < DH; e++) {
        dk[e] += ds * qkv[qi + e];
        dv[e] += p * dout[oi + e];
      }
    }
    for (var e = 0u; e < DH; e++) {
      dqkv[ko + e] = dk[e] * u.scale;
      dqkv[vo + e] = dv[e];
    }
  }
}`,
  };
}

export function attentionNeeds(dims: AttentionDims, d: number): KernelNeeds {
  const dh = d / dims.heads;
  return {
    storageBuffers: 5,
    workgroupInvocations: THREADS,
    largestBindingBytes: dims.batch * dims.tokens * 3 * d * 4,
    shapeProblem: Number.isInteger(dh) && dh <= MAX_HEAD_DIM ? null : `head width ${dh} is above ${MAX_HEAD_DIM}`,
  };
}

interface Attrs {
  batch: number;
  tokens: number;
  heads: number;
}

function uniforms({ batch, tokens, heads }: Attrs, d: number): number[] {
  return [batch * heads * tokens, tokens, heads, d, 1 / Math.sqrt(d / heads)];
}

const ATTENTION = 'HybridAttention';
const ATTENTION_GRAD = 'HybridAttentionGrad';

tf.registerKernel({
  kernelName: ATTENTION,
  backendName: 'webgpu',
  kernelFunc: (({ inputs, backend, attrs }: { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap }): TensorInfo[] => {
    const { qkv } = inputs as Record<string, TensorInfo>;
    const a = attrs as unknown as Attrs;
    const internals = backend as BackendInternals;
    const d = qkv.shape[1] / 3;
    const count = a.batch * a.heads * a.tokens;
    return runProgram(internals, forwardSpec(d / a.heads), {
      inputs: [qkv],
      outputs: [[qkv.shape[0], d], [count]],
      uniforms: uniforms(a, d),
      dispatch: grid(internals, count, THREADS),
    });
  }) as unknown as tf.KernelFunc,
});

tf.registerKernel({
  kernelName: ATTENTION_GRAD,
  backendName: 'webgpu',
  kernelFunc: (({ inputs, backend, attrs }: { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap }): TensorInfo => {
    const { qkv, o, dout, lse } = inputs as Record<string, TensorInfo>;
    const a = attrs as unknown as Attrs;
    const internals = backend as BackendInternals;
    const d = qkv.shape[1] / 3;
    const count = a.batch * a.heads * a.tokens;
    return runProgram(internals, backwardSpec(d / a.heads), {
      inputs: [qkv, o, dout, lse],
      outputs: [qkv.shape],
      uniforms: uniforms(a, d),
      dispatch: grid(internals, 2 * count, THREADS),
    })[0];
  }) as unknown as tf.KernelFunc,
});

/** Attention of qkv rows [B·T, 3d]: the merged context rows [B·T, d] and each query row's log-sum-exp. */
export function attentionForwardFused(qkv: tf.Tensor2D, dims: AttentionDims): { out: tf.Tensor2D; lse: tf.Tensor1D } {
  const [out, lse] = tf.engine().runKernel(ATTENTION, { qkv }, { ...dims } as unknown as NamedAttrMap) as [tf.Tensor2D, tf.Tensor1D];
  return { out, lse };
}

/** dqkv [B·T, 3d] from the forward's qkv, out, lse and the gradient of out. */
export function attentionBackwardFused(
  qkv: tf.Tensor2D,
  out: tf.Tensor2D,
  lse: tf.Tensor1D,
  dout: tf.Tensor2D,
  dims: AttentionDims,
): tf.Tensor2D {
  return tf.engine().runKernel(ATTENTION_GRAD, { qkv, o: out, dout, lse }, { ...dims } as unknown as NamedAttrMap) as tf.Tensor2D;
}

tf.registerGradient({
  kernelName: ATTENTION,
  inputsToSave: ['qkv'],
  outputsToSave: [true, true],
  gradFunc: (dy, saved, attrs) => {
    const [qkv, out, lse] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    const dims = attrs as unknown as AttentionDims;
    return { qkv: () => attentionBackwardFused(qkv, out, lse, (dy as tf.Tensor[])[0] as tf.Tensor2D, dims) };
  },
});
