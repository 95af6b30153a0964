// LayerNorm over the last axis as fused WebGPU kernels: forward (optionally adding a residual first,
// h = x + a, as the second norm of a block does), and backward in two dispatches: one over rows for
// dx (optionally adding the residual stream's gradient) and one over columns for dg and db
// (optionally also the column sums of one more [R, d] tensor, a bias gradient that would otherwise
// take a dispatch of its own). The forward saves the row statistics (mean, 1/std) rather than x̂, so
// the backward reads x and two numbers per row.
//
// A row map lets a norm read a subset of rows: output row r reads input row
// (r / perGroup)·groupStride + r % perGroup + rowOffset, which picks the N predicting positions of
// each image out of its T = N + 1 decoder rows without a slice. The reference is layerNormForward /
// layerNormBackward in ../ops.ts.
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { grid, runProgram, WGSL_GROUP_INDEX, type BackendInternals, type ProgramSpec } from './runner';
import { COL_LANES, COL_WIDTH, ROW_THREADS, WGSL_COL_SUM, WGSL_ROW_SUM, wgslMain } from './wgsl';
import type { KernelNeeds } from './limits';

export interface RowMap {
  perGroup: number;
  groupStride: number;
  rowOffset: number;
}

const EPS = 1e-5;
const IN_ROW = `fn inRow(r: u32) -> u32 { return (r / u.perGroup) * u.groupStride + r % u.perGroup + u.rowOffset; }`;
const MAP_UNIFORMS: [string, 'u32'][] = [
  ['perGroup', 'u32'],
  ['groupStride', 'u32'],
  ['rowOffset', 'u32'],
];

function forwardSpec(residual: boolean): ProgramSpec {
  const read = residual ? 'x[base + j] + a[base + j]' : 'x[base + j]';
  return {
    key: `hl_layernorm_fwd_${residual}`,
    outputs: residual ? ['h', 'y', 'stats'] : ['y', 'stats'],
    inputs: residual ? ['x', 'a', 'g', 'b'] : ['x', 'g', 'b'],
    uniforms: [['rows', 'u32'], ['d', 'u32'], ...MAP_UNIFORMS, ['eps', 'f32']],
    main: `
${WGSL_GROUP_INDEX}
${WGSL_ROW_SUM}
${IN_ROW}
${wgslMain(ROW_THREADS)}
  let r = groupIndex(wid, nwg);
  if (r >= u.rows) { return; }
  let base = inRow(r) * u.d;
  let out = r * u.d;
  var s = 0.0;
  for (var j = lid; j < u.d; j += ${ROW_THREADS}u) {
    let v = ${read};
    ${residual ? 'h[base + j] = v;' : ''}
    s += v;
  }
  let mean = rowSum2(lid, vec2<f32>(s, 0.0)).x / f32(u.d);
  var q = 0.0;
  for (var j = lid; j < u.d; j += ${ROW_THREADS}u) {
    let c = ${read} - mean;
    q += c * c;
  }
  let rstd = inverseSqrt(rowSum2(lid, vec2<f32>(q, 0.0)).x / f32(u.d) + u.eps);
  for (var j = lid; j < u.d; j += ${ROW_THREADS}u) {
    y[out + j] = ((${read} - mean) * rstd) * g[j] + b[j];
  }
  if (lid == 0u) {
    stats[2u * r] = mean;
    stats[2u * r + 1u] = rstd;
  }
}`,
  };
}

function rowsGradSpec(residual: boolean): ProgramSpec {
  return {
    key: `hl_layernorm_grad_rows_${residual}`,
    outputs: ['dx'],
    inputs: residual ? ['x', 'stats', 'g', 'dy', 'res'] : ['x', 'stats', 'g', 'dy'],
    uniforms: [['inRows', 'u32'], ['d', 'u32'], ...MAP_UNIFORMS],
    main: `
${WGSL_GROUP_INDEX}
${WGSL_ROW_SUM}
${wgslMain(ROW_THREADS)}
  let ri = groupIndex(wid, nwg);
  if (ri >= u.inRows) { return; }
  let base = ri * u.d;
  let local = ri - min(ri, u.rowOffset);
  let k = local % u.groupStride;
  let mapped = ri >= u.rowOffset && k < u.perGroup;
  let r = (local / u.groupStride) * u.perGroup + k;
  // Rows the norm never read get no gradient from it (only the residual's, if any).
  let rr = select(0u, r, mapped);
  let mean = stats[2u * rr];
  let rstd = stats[2u * rr + 1u];
  var acc = vec2<f32>(0.0);
  for (var j = lid; j < u.d; j += ${ROW_THREADS}u) {
    let gh = dy[rr * u.d + j] * g[j];
    let xh = (x[base + j] - mean) * rstd;
    acc += vec2<f32>(gh, gh * xh);
  }
  let means = rowSum2(lid, acc) / f32(u.d);
  for (var j = lid; j < u.d; j += ${ROW_THREADS}u) {
    let gh = dy[rr * u.d + j] * g[j];
    let xh = (x[base + j] - mean) * rstd;
    let v = select(0.0, ((gh - means.x) - xh * means.y) * rstd, mapped);
    dx[base + j] = v${residual ? ' + res[base + j]' : ''};
  }
}`,
  };
}

function colsGradSpec(extra: boolean): ProgramSpec {
  return {
    key: `hl_layernorm_grad_cols_${extra}`,
    outputs: extra ? ['dg', 'db', 'dextra'] : ['dg', 'db'],
    inputs: extra ? ['x', 'stats', 'dy', 'extra'] : ['x', 'stats', 'dy'],
    uniforms: [['rows', 'u32'], ['d', 'u32'], ...MAP_UNIFORMS],
    main: `
${WGSL_COL_SUM}
${IN_ROW}
@compute @workgroup_size(${COL_WIDTH * COL_LANES})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let j = wid.x * ${COL_WIDTH}u + lid % ${COL_WIDTH}u;
  let lane = lid / ${COL_WIDTH}u;
  var acc = vec4<f32>(0.0);
  if (j < u.d) {
    for (var r = lane; r < u.rows; r += ${COL_LANES}u) {
      let g = dy[r * u.d + j];
      let xh = (x[inRow(r) * u.d + j] - stats[2u * r]) * stats[2u * r + 1u];
      acc += vec4<f32>(g * xh, g, ${extra ? 'extra[r * u.d + j]' : '0.0'}, 0.0);
    }
  }
  let total = colSum4(lid, acc);
  if (lane == 0u && j < u.d) {
    dg[j] = total.x;
    db[j] = total.y;
    ${extra ? 'dextra[j] = total.z;' : ''}
  }
}`,
  };
}

const plainMap = (rows: number): RowMap => ({ perGroup: rows, groupStride: rows, rowOffset: 0 });

/** What the LayerNorm kernels need for x [inRows, d] (the widest binds five buffers + one output). */
export function layerNormNeeds(inRows: number, d: number): KernelNeeds {
  return {
    storageBuffers: 7,
    workgroupInvocations: COL_WIDTH * COL_LANES,
    workgroupBytes: COL_WIDTH * COL_LANES * 16,
    largestBindingBytes: inRows * d * 4,
  };
}

// ---- kernels registered with tfjs (webgpu backend) ----

interface ForwardAttrs {
  outRows: number;
  perGroup: number;
  groupStride: number;
  rowOffset: number;
}

function forwardKernel({ inputs, backend, attrs }: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo[] {
  const { x, a, g, b } = inputs as Record<string, TensorInfo>;
  const { outRows, perGroup, groupStride, rowOffset } = attrs as unknown as ForwardAttrs;
  const internals = backend as BackendInternals;
  const d = x.shape[1];
  const residual = a !== undefined;
  const outputs = residual
    ? [x.shape, [outRows, d], [outRows, 2]]
    : [
        [outRows, d],
        [outRows, 2],
      ];
  return runProgram(internals, forwardSpec(residual), {
    inputs: residual ? [x, a, g, b] : [x, g, b],
    outputs,
    uniforms: [outRows, d, perGroup, groupStride, rowOffset, EPS],
    dispatch: grid(internals, outRows),
  });
}

function rowsGradKernel({ inputs, backend, attrs }: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const { x, stats, g, dy, res } = inputs as Record<string, TensorInfo>;
  const { perGroup, groupStride, rowOffset } = attrs as unknown as ForwardAttrs;
  const internals = backend as BackendInternals;
  const [inRows, d] = x.shape;
  const residual = res !== undefined;
  return runProgram(internals, rowsGradSpec(residual), {
    inputs: residual ? [x, stats, g, dy, res] : [x, stats, g, dy],
    outputs: [x.shape],
    uniforms: [inRows, d, perGroup, groupStride, rowOffset],
    dispatch: grid(internals, inRows),
  })[0];
}

function colsGradKernel({ inputs, backend, attrs }: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo[] {
  const { x, stats, dy, extra } = inputs as Record<string, TensorInfo>;
  const { perGroup, groupStride, rowOffset } = attrs as unknown as ForwardAttrs;
  const internals = backend as BackendInternals;
  const d = x.shape[1];
  const rows = dy.shape[0];
  const withExtra = extra !== undefined;
  if (withExtra && (extra.shape[0] !== rows || extra.shape[1] !== d))
    throw new Error(`extra must be [${rows}, ${d}], not [${extra.shape}]`);
  return runProgram(internals, colsGradSpec(withExtra), {
    inputs: withExtra ? [x, stats, dy, extra] : [x, stats, dy],
    outputs: withExtra ? [[d], [d], [d]] : [[d], [d]],
    uniforms: [rows, d, perGroup, groupStride, rowOffset],
    dispatch: [Math.ceil(d / COL_WIDTH), 1],
  });
}

export const LAYER_NORM = 'HybridLayerNorm';
export const RESIDUAL_LAYER_NORM = 'HybridResidualLayerNorm';
const LAYER_NORM_GRAD_ROWS = 'HybridLayerNormGradRows';
const LAYER_NORM_GRAD_COLS = 'HybridLayerNormGradCols';

tf.registerKernel({ kernelName: LAYER_NORM, backendName: 'webgpu', kernelFunc: forwardKernel as unknown as tf.KernelFunc });
tf.registerKernel({ kernelName: RESIDUAL_LAYER_NORM, backendName: 'webgpu', kernelFunc: forwardKernel as unknown as tf.KernelFunc });
tf.registerKernel({ kernelName: LAYER_NORM_GRAD_ROWS, backendName: 'webgpu', kernelFunc: rowsGradKernel as unknown as tf.KernelFunc });
tf.registerKernel({ kernelName: LAYER_NORM_GRAD_COLS, backendName: 'webgpu', kernelFunc: colsGradKernel as unknown as tf.KernelFunc });

// ---- the functions the model calls ----

type T1 = tf.Tensor1D;
type T2 = tf.Tensor2D;

/** What the fused backward needs: the norm's input rows (h, for a residual norm) and their statistics. */
export interface FusedNormSaved {
  x: T2;
  stats: T2;
  map: RowMap;
}

/** y = LN(x)·g + b over rows picked by `map` (all rows by default): { y, saved }. */
export function layerNormForwardFused(
  x: T2,
  g: T1,
  b: T1,
  map: RowMap = plainMap(x.shape[0]),
  outRows = x.shape[0],
): { y: T2; saved: FusedNormSaved } {
  const [y, stats] = tf.engine().runKernel(LAYER_NORM, { x, g, b }, { outRows, ...map } as unknown as NamedAttrMap) as T2[];
  return { y, saved: { x, stats, map } };
}

/** h = x + a and y = LN(h)·g + b in one dispatch: { h, y, saved }. */
export function residualLayerNormForwardFused(x: T2, a: T2, g: T1, b: T1): { h: T2; y: T2; saved: FusedNormSaved } {
  const rows = x.shape[0];
  const [h, y, stats] = tf
    .engine()
    .runKernel(RESIDUAL_LAYER_NORM, { x, a, g, b }, { outRows: rows, ...plainMap(rows) } as unknown as NamedAttrMap) as T2[];
  return { h, y, saved: { x: h, stats, map: plainMap(rows) } };
}

/**
 * [dx (+ residualGrad), dg, db, Σ_rows extra]: two dispatches. dx has the norm's input rows; rows the
 * map skipped get only residualGrad (or zeros).
 */
export function layerNormBackwardFused(saved: FusedNormSaved, g: T1, dy: T2, residualGrad?: T2, extra?: T2): [T2, T1, T1, T1 | null] {
  const { x, stats, map } = saved;
  const attrs = { ...map } as unknown as NamedAttrMap;
  const dx = tf.engine().runKernel(LAYER_NORM_GRAD_ROWS, { x, stats, g, dy, ...(residualGrad ? { res: residualGrad } : {}) }, attrs) as T2;
  const cols = tf.engine().runKernel(LAYER_NORM_GRAD_COLS, { x, stats, dy, ...(extra ? { extra } : {}) }, attrs) as T1[];
  return [dx, cols[0], cols[1], cols[2] ?? null];
}

tf.registerGradient({
  kernelName: LAYER_NORM,
  inputsToSave: ['x', 'g'],
  outputsToSave: [false, true],
  gradFunc: (dy, saved, attrs) => {
    const [x, g, stats] = saved as [T2, T1, T2];
    const map = { ...(attrs as unknown as RowMap) };
    const [dx, dg, db] = layerNormBackwardFused({ x, stats, map }, g, (dy as tf.Tensor[])[0] as T2);
    return { x: () => dx, g: () => dg, b: () => db };
  },
});

tf.registerGradient({
  kernelName: RESIDUAL_LAYER_NORM,
  inputsToSave: ['g'],
  outputsToSave: [true, false, true],
  gradFunc: (dy, saved) => {
    const [g, h, stats] = saved as [T1, T2, T2];
    const [dh, dyY] = dy as T2[];
    const [dx, dg, db] = layerNormBackwardFused({ x: h, stats, map: plainMap(h.shape[0]) }, g, dyY, dh);
    return { x: () => dx, a: () => dx, g: () => dg, b: () => db };
  },
});
