// Column sums of a matrix [R, C] → [C] in one WebGPU dispatch (a dense layer's bias gradient);
// tfjs's Sum over axis 0 transposes first, a second dispatch. The reference is colSum in ../ops.ts.
import * as tf from '@tensorflow/tfjs';
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { KernelNeeds } from './limits';
import { runProgram, type BackendInternals, type ProgramSpec } from './runner';
import { COL_LANES, COL_WIDTH, WGSL_COL_SUM } from './wgsl';

const SPEC: ProgramSpec = {
  key: 'hl_column_sum',
  outputs: ['out'],
  inputs: ['x'],
  uniforms: [
    ['rows', 'u32'],
    ['cols', 'u32'],
  ],
  main: `
${WGSL_COL_SUM}
@compute @workgroup_size(${COL_WIDTH * COL_LANES})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let j = wid.x * ${COL_WIDTH}u + lid % ${COL_WIDTH}u;
  let lane = lid / ${COL_WIDTH}u;
  var acc = 0.0;
  if (j < u.cols) {
    for (var r = lane; r < u.rows; r += ${COL_LANES}u) { acc += x[r * u.cols + j]; }
  }
  let total = colSum4(lid, vec4<f32>(acc, 0.0, 0.0, 0.0));
  if (lane == 0u && j < u.cols) { out[j] = total.x; }
}`,
};

export function columnSumNeeds(rows: number, cols: number): KernelNeeds {
  return {
    storageBuffers: 2,
    workgroupInvocations: COL_WIDTH * COL_LANES,
    workgroupBytes: COL_WIDTH * COL_LANES * 16,
    largestBindingBytes: rows * cols * 4,
    shapeProblem: Math.ceil(cols / COL_WIDTH) > 65535 ? `${cols} columns are more than one dispatch row of workgroups` : null,
  };
}

const COLUMN_SUM = 'HybridColumnSum';

tf.registerKernel({
  kernelName: COLUMN_SUM,
  backendName: 'webgpu',
  kernelFunc: (({ inputs, backend }: { inputs: NamedTensorInfoMap; backend: unknown }): TensorInfo => {
    const { x } = inputs as Record<string, TensorInfo>;
    const [rows, cols] = x.shape;
    return runProgram(backend as BackendInternals, SPEC, {
      inputs: [x],
      outputs: [[cols]],
      uniforms: [rows, cols],
      dispatch: [Math.ceil(cols / COL_WIDTH), 1],
    })[0];
  }) as unknown as tf.KernelFunc,
});

tf.registerGradient({
  kernelName: COLUMN_SUM,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({ x: () => tf.mul(tf.onesLike(x), dy as tf.Tensor) }),
});

/** Σ_rows x for x [R, C]: [C]. */
export function columnSumFused(x: tf.Tensor2D): tf.Tensor1D {
  return tf.engine().runKernel(COLUMN_SUM, { x }) as tf.Tensor1D;
}
