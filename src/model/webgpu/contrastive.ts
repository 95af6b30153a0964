// The contrastive branch's kernels for WebGPU: mean pooling of each view's T encoder rows (read in
// place from the whole encoder output, starting at a row offset) and its gradient written back into
// a full-size gradient (zero rows where the clean images sit), and NT-Xent in two dispatches:
//   stats: per anchor row i, z = raw/max(‖raw‖, 1e-12) and the similarity row s_ij = z_i·z_j/τ (self
//          masked with −1e9): its log-sum-exp, the positive's logit, whether the positive is the max;
//   grad:  dS_ij = (softmax_j(s_i) − Y_ij)/n, dz_i = Σ_j (dS_ij + dS_ji) z_j / τ, and through the
//          normalisation dRaw_i = (dz_i − z_i (z_i·dz_i)) / max(‖raw_i‖, 1e-12); the first workgroup
//          also writes [loss, positive top-1].
// The reference is contrastiveLoss's tfjs-op path in ../contrastive.ts.
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { KernelNeeds } from './limits';
import { grid, runProgram, WGSL_GROUP_INDEX, type BackendInternals, type ProgramSpec } from './runner';
import { ROW_THREADS, WGSL_ROW_SUM, wgslMain, wgslPerElement } from './wgsl';

const THREADS = 256;
/** NT-Xent keeps one similarity row in workgroup memory. */
const MAX_ANCHORS = 1024;

const POOL: ProgramSpec = {
  key: 'hl_pool_rows',
  outputs: ['pooled'],
  inputs: ['x'],
  uniforms: [
    ['views', 'u32'],
    ['T', 'u32'],
    ['d', 'u32'],
    ['rowOffset', 'u32'],
  ],
  main: `
${WGSL_GROUP_INDEX}
${wgslPerElement(THREADS, 'u.views * u.d')}
  let j = o % u.d;
  let v = o / u.d;
  var s = 0.0;
  for (var t = 0u; t < u.T; t++) { s += x[(u.rowOffset + v * u.T + t) * u.d + j]; }
  pooled[o] = s / f32(u.T);
}`,
};

const POOL_GRAD: ProgramSpec = {
  key: 'hl_pool_rows_grad',
  outputs: ['dx'],
  inputs: ['dpooled'],
  uniforms: [
    ['size', 'u32'],
    ['views', 'u32'],
    ['T', 'u32'],
    ['d', 'u32'],
    ['rowOffset', 'u32'],
  ],
  main: `
${WGSL_GROUP_INDEX}
${wgslPerElement(THREADS, 'u.size')}
  let j = o % u.d;
  let r = o / u.d;
  let inside = r >= u.rowOffset && r < u.rowOffset + u.views * u.T;
  let v = select(0u, (r - u.rowOffset) / u.T, inside);
  dx[o] = select(0.0, dpooled[v * u.d + j] * (1.0 / f32(u.T)), inside);
}`,
};

const SIMILARITY = `
var<workgroup> sims: array<f32, ${MAX_ANCHORS}>;
// s_ij for anchor i and every j into sims[], with the self-similarity masked.
fn similarityRow(i: u32, lid: u32) {
  for (var j = lid; j < u.n; j += ${ROW_THREADS}u) {
    var s = 0.0;
    for (var e = 0u; e < u.p; e++) { s += z[i * u.p + e] * z[j * u.p + e]; }
    sims[j] = s / u.tau + select(0.0, -1e9, j == i);
  }
  workgroupBarrier();
}`;

const STATS: ProgramSpec = {
  key: 'hl_ntxent_stats',
  outputs: ['rowStats'],
  inputs: ['z'],
  uniforms: [
    ['n', 'u32'],
    ['p', 'u32'],
    ['tau', 'f32'],
  ],
  main: `
${WGSL_GROUP_INDEX}
${WGSL_ROW_SUM}
${SIMILARITY}
var<workgroup> best: array<f32, ${ROW_THREADS}>;
${wgslMain(ROW_THREADS)}
  let i = groupIndex(wid, nwg);
  if (i >= u.n) { return; }
  similarityRow(i, lid);
  var m = -3.4e38;
  for (var j = lid; j < u.n; j += ${ROW_THREADS}u) { m = max(m, sims[j]); }
  best[lid] = m;
  workgroupBarrier();
  for (var s = ${ROW_THREADS / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { best[lid] = max(best[lid], best[lid + s]); }
    workgroupBarrier();
  }
  let rowMax = best[0];
  var acc = 0.0;
  for (var j = lid; j < u.n; j += ${ROW_THREADS}u) { acc += exp(sims[j] - rowMax); }
  let total = rowSum2(lid, vec2<f32>(acc, 0.0)).x;
  if (lid == 0u) {
    let positive = sims[(i + u.n / 2u) % u.n];
    rowStats[3u * i] = log(total) + rowMax;
    rowStats[3u * i + 1u] = positive;
    rowStats[3u * i + 2u] = select(0.0, 1.0, positive >= rowMax);
  }
}`,
};

const NORMALIZE: ProgramSpec = {
  key: 'hl_l2_normalize_rows',
  outputs: ['z', 'norms'],
  inputs: ['raw'],
  uniforms: [
    ['n', 'u32'],
    ['p', 'u32'],
  ],
  main: `
${WGSL_GROUP_INDEX}
${WGSL_ROW_SUM}
${wgslMain(ROW_THREADS)}
  let i = groupIndex(wid, nwg);
  if (i >= u.n) { return; }
  var q = 0.0;
  for (var e = lid; e < u.p; e += ${ROW_THREADS}u) { q += raw[i * u.p + e] * raw[i * u.p + e]; }
  let norm = max(sqrt(rowSum2(lid, vec2<f32>(q, 0.0)).x), 1e-12);
  for (var e = lid; e < u.p; e += ${ROW_THREADS}u) { z[i * u.p + e] = raw[i * u.p + e] / norm; }
  if (lid == 0u) { norms[i] = norm; }
}`,
};

const GRAD: ProgramSpec = {
  key: 'hl_ntxent_grad',
  outputs: ['draw', 'result'],
  inputs: ['z', 'norms', 'rowStats'],
  uniforms: [
    ['n', 'u32'],
    ['p', 'u32'],
    ['tau', 'f32'],
  ],
  main: `
${WGSL_GROUP_INDEX}
${WGSL_ROW_SUM}
${SIMILARITY}
${wgslMain(ROW_THREADS)}
  let i = groupIndex(wid, nwg);
  if (i >= u.n) { return; }
  similarityRow(i, lid);
  let half = u.n / 2u;
  let inv = 1.0 / f32(u.n);
  // Replace s_ij by the coefficient of z_j in dz_i: (dS_ij + dS_ji)/τ, with s_ji = s_ij.
  for (var j = lid; j < u.n; j += ${ROW_THREADS}u) {
    let yij = select(0.0, 1.0, j == (i + half) % u.n);
    let yji = select(0.0, 1.0, i == (j + half) % u.n);
    let dsij = (exp(sims[j] - rowStats[3u * i]) - yij) * inv;
    let dsji = (exp(sims[j] - rowStats[3u * j]) - yji) * inv;
    sims[j] = (dsij + dsji) / u.tau;
  }
  workgroupBarrier();
  var zdz = 0.0;
  for (var e = lid; e < u.p; e += ${ROW_THREADS}u) {
    var dz = 0.0;
    for (var j = 0u; j < u.n; j++) { dz += sims[j] * z[j * u.p + e]; }
    draw[i * u.p + e] = dz;
    zdz += z[i * u.p + e] * dz;
  }
  let dot = rowSum2(lid, vec2<f32>(zdz, 0.0)).x;
  for (var e = lid; e < u.p; e += ${ROW_THREADS}u) {
    draw[i * u.p + e] = (draw[i * u.p + e] - z[i * u.p + e] * dot) / norms[i];
  }
  if (i == 0u) {
    var terms = vec2<f32>(0.0);
    for (var j = lid; j < u.n; j += ${ROW_THREADS}u) { terms += vec2<f32>(rowStats[3u * j + 1u] - rowStats[3u * j], rowStats[3u * j + 2u]); }
    let sums = rowSum2(lid, terms);
    if (lid == 0u) {
      result[0] = -(sums.x / f32(u.n));
      result[1] = sums.y / f32(u.n);
    }
  }
}`,
};

export function contrastiveNeeds(rowBytes: number, anchors: number): KernelNeeds {
  return {
    storageBuffers: 5,
    workgroupInvocations: THREADS,
    workgroupBytes: MAX_ANCHORS * 4 + ROW_THREADS * 12,
    largestBindingBytes: rowBytes,
    shapeProblem: anchors <= MAX_ANCHORS && anchors % 2 === 0 ? null : `${anchors} anchors (at most ${MAX_ANCHORS}, even)`,
  };
}

type Kernel = { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap };
const info = (inputs: NamedTensorInfoMap) => inputs as Record<string, TensorInfo>;

const KERNELS = {
  pool: 'HybridPoolRows',
  poolGrad: 'HybridPoolRowsGrad',
  normalize: 'HybridL2NormalizeRows',
  stats: 'HybridNtXentStats',
  grad: 'HybridNtXentGrad',
};

tf.registerKernel({
  kernelName: KERNELS.pool,
  backendName: 'webgpu',
  kernelFunc: (({ inputs, backend, attrs }: Kernel): TensorInfo => {
    const { x } = info(inputs);
    const b = backend as BackendInternals;
    const { views, tokens, rowOffset } = attrs as Record<string, number>;
    const d = x.shape[1];
    return runProgram(b, POOL, {
      inputs: [x],
      outputs: [[views, d]],
      uniforms: [views, tokens, d, rowOffset],
      dispatch: grid(b, views * d, THREADS),
    })[0];
  }) as unknown as tf.KernelFunc,
});

tf.registerKernel({
  kernelName: KERNELS.poolGrad,
  backendName: 'webgpu',
  kernelFunc: (({ inputs, backend, attrs }: Kernel): TensorInfo => {
    const { dpooled } = info(inputs);
    const b = backend as BackendInternals;
    const { views, tokens, rowOffset, rows } = attrs as Record<string, number>;
    const d = dpooled.shape[1];
    return runProgram(b, POOL_GRAD, {
      inputs: [dpooled],
      outputs: [[rows, d]],
      uniforms: [rows * d, views, tokens, d, rowOffset],
      dispatch: grid(b, rows * d, THREADS),
    })[0];
  }) as unknown as tf.KernelFunc,
});

tf.registerKernel({
  kernelName: KERNELS.normalize,
  backendName: 'webgpu',
  kernelFunc: (({ inputs, backend }: Kernel): TensorInfo[] => {
    const { raw } = info(inputs);
    const b = backend as BackendInternals;
    const [n, p] = raw.shape;
    return runProgram(b, NORMALIZE, { inputs: [raw], outputs: [[n, p], [n]], uniforms: [n, p], dispatch: grid(b, n) });
  }) as unknown as tf.KernelFunc,
});

tf.registerKernel({
  kernelName: KERNELS.stats,
  backendName: 'webgpu',
  kernelFunc: (({ inputs, backend, attrs }: Kernel): TensorInfo => {
    const { z } = info(inputs);
    const b = backend as BackendInternals;
    const [n, p] = z.shape;
    return runProgram(b, STATS, { inputs: [z], outputs: [[n, 3]], uniforms: [n, p, attrs.tau as number], dispatch: grid(b, n) })[0];
  }) as unknown as tf.KernelFunc,
});

tf.registerKernel({
  kernelName: KERNELS.grad,
  backendName: 'webgpu',
  kernelFunc: (({ inputs, backend, attrs }: Kernel): TensorInfo[] => {
    const { z, norms, rowStats } = info(inputs);
    const b = backend as BackendInternals;
    const [n, p] = z.shape;
    return runProgram(b, GRAD, {
      inputs: [z, norms, rowStats],
      outputs: [[n, p], [2]],
      uniforms: [n, p, attrs.tau as number],
      dispatch: grid(b, n),
    });
  }) as unknown as tf.KernelFunc,
});

export interface ViewRows {
  views: number;
  tokens: number;
  /** The first view row within the encoder output. */
  rowOffset: number;
}

/** Mean over each view's T rows of x [R, d], the views starting at row `rowOffset`: [V, d]. */
export function poolRowsFused(x: tf.Tensor2D, rows: ViewRows): tf.Tensor2D {
  return tf.engine().runKernel(KERNELS.pool, { x }, { ...rows } as unknown as NamedAttrMap) as tf.Tensor2D;
}

/** The gradient of poolRowsFused for an input of `totalRows` rows. */
export function poolRowsGradFused(dpooled: tf.Tensor2D, rows: ViewRows, totalRows: number): tf.Tensor2D {
  return tf.engine().runKernel(KERNELS.poolGrad, { dpooled }, { ...rows, rows: totalRows } as unknown as NamedAttrMap) as tf.Tensor2D;
}

/**
 * NT-Xent of the projections raw [n, p] (rows i and (i + n/2) mod n are positives): [loss, top-1]
 * and the gradient of the loss w.r.t. raw.
 */
export function ntXentFused(raw: tf.Tensor2D, tau: number): { result: tf.Tensor1D; dRaw: tf.Tensor2D } {
  const engine = tf.engine();
  const [z, norms] = engine.runKernel(KERNELS.normalize, { raw }) as tf.Tensor[];
  const rowStats = engine.runKernel(KERNELS.stats, { z }, { tau }) as tf.Tensor;
  const [dRaw, result] = engine.runKernel(KERNELS.grad, { z, norms, rowStats }, { tau }) as tf.Tensor[];
  return { result: result as tf.Tensor1D, dRaw: dRaw as tf.Tensor2D };
}
