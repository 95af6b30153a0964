// WGSL pieces shared by the fused kernels.

/** Threads of a row kernel's workgroup (one workgroup per row). */
export const ROW_THREADS = 64;

/**
 * Workgroup sum of a vec2 over ROW_THREADS threads (tree reduction in workgroup memory). Call from
 * uniform control flow only: it contains barriers.
 */
export const WGSL_ROW_SUM = `
var<workgroup> rowPartials: array<vec2<f32>, ${ROW_THREADS}>;
fn rowSum2(lid: u32, v: vec2<f32>) -> vec2<f32> {
  rowPartials[lid] = v;
  workgroupBarrier();
  for (var s = ${ROW_THREADS / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { rowPartials[lid] = rowPartials[lid] + rowPartials[lid + s]; }
    workgroupBarrier();
  }
  let total = rowPartials[0];
  workgroupBarrier();
  return total;
}`;

/** Columns and row lanes of a column-reduction workgroup (COL_WIDTH × COL_LANES threads). */
export const COL_WIDTH = 16;
export const COL_LANES = 16;

/**
 * Sum over the COL_LANES row lanes of each column of a column-reduction workgroup, for `n` values
 * per thread (vec4: up to four sums at once). Thread (lane, column) sits at lid = lane·COL_WIDTH + column.
 */
export const WGSL_COL_SUM = `
var<workgroup> colPartials: array<vec4<f32>, ${COL_WIDTH * COL_LANES}>;
fn colSum4(lid: u32, v: vec4<f32>) -> vec4<f32> {
  colPartials[lid] = v;
  workgroupBarrier();
  for (var s = ${COL_LANES / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s * ${COL_WIDTH}u) { colPartials[lid] = colPartials[lid] + colPartials[lid + s * ${COL_WIDTH}u]; }
    workgroupBarrier();
  }
  let total = colPartials[lid % ${COL_WIDTH}u];
  workgroupBarrier();
  return total;
}`;

/** tfjs's softplus and sigmoid, so the fused kernels round like the ops they replace. */
export const WGSL_ACTIVATIONS = `
fn softplus(x: f32) -> f32 {
  let threshold = log(1.1920928955078125e-7) + 2.0;
  if (x > -threshold) { return x; }
  if (x < threshold) { return exp(x); }
  return log(exp(x) + 1.0);
}
fn sigmoid(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }`;

/**
 * The opening of a kernel's entry point as runner.ts's grid() dispatches it, `threads` per workgroup:
 * `wid` and `nwg` (for groupIndex, WGSL_GROUP_INDEX) and `lid`, the thread within the workgroup.
 */
export function wgslMain(threads: number): string {
  return `@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {`;
}

/** The opening of a kernel with one invocation per element `o`; those at or past `count` (WGSL) return. */
export function wgslPerElement(threads: number, count: string): string {
  return `${wgslMain(threads)}
  let o = groupIndex(wid, nwg) * ${threads}u + lid;
  if (o >= ${count}) { return; }`;
}
