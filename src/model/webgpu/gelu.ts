// Bias + GELU (tanh approximation, as x·σ(2u)) as one elementwise WebGPU kernel, and its gradient as
// another. With the bias folded in, the layer before it is a plain matMul and the backward recomputes
// the pre-activation x + b instead of keeping it. The reference is geluForward / geluBackward in
// ../ops.ts, whose operation order these kernels follow.
import * as tf from '@tensorflow/tfjs';
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { KernelNeeds } from './limits';
import { grid, runProgram, WGSL_GROUP_INDEX, type BackendInternals, type ProgramSpec } from './runner';
import { WGSL_ACTIVATIONS, wgslMain } from './wgsl';

const THREADS = 256;
const K1 = 2 * Math.sqrt(2 / Math.PI);
const K3 = K1 * 0.044715;

function spec(grad: boolean, bias: boolean): ProgramSpec {
  const pre = bias ? 'x[i] + b[i % u.width]' : 'x[i]';
  const body = grad
    ? `let v = ${pre};
    let v2 = v * v;
    let s = sigmoid(v * (v2 * ${K3} + ${K1}));
    let slope = (v * (v2 * ${3 * K3} + ${K1})) * (s - s * s);
    out[i] = dy[i] * (s + slope);`
    : `let v = ${pre};
    out[i] = v * sigmoid(v * (v * v * ${K3} + ${K1}));`;
  return {
    key: `hl_gelu_${grad ? 'grad' : 'fwd'}_${bias}`,
    outputs: ['out'],
    inputs: [...(bias ? ['x', 'b'] : ['x']), ...(grad ? ['dy'] : [])],
    uniforms: [
      ['size', 'u32'],
      ['width', 'u32'],
    ],
    main: `
${WGSL_GROUP_INDEX}
${WGSL_ACTIVATIONS}
${wgslMain(THREADS)}
  let i = groupIndex(wid, nwg) * ${THREADS}u + lid;
  if (i < u.size) {
    ${body}
  }
}`,
  };
}

export function geluNeeds(size: number): KernelNeeds {
  return { storageBuffers: 4, workgroupInvocations: THREADS, largestBindingBytes: size * 4 };
}

function kernel(grad: boolean) {
  return ({ inputs, backend }: { inputs: NamedTensorInfoMap; backend: unknown }): TensorInfo => {
    const { x, b, dy } = inputs as Record<string, TensorInfo>;
    const internals = backend as BackendInternals;
    const size = x.shape.reduce((p, q) => p * q, 1);
    const width = x.shape[x.shape.length - 1];
    return runProgram(internals, spec(grad, b !== undefined), {
      inputs: [x, ...(b ? [b] : []), ...(grad ? [dy] : [])],
      outputs: [x.shape],
      uniforms: [size, width],
      dispatch: grid(internals, size, THREADS),
    })[0];
  };
}

const GELU = 'HybridGelu';
const BIAS_GELU = 'HybridBiasGelu';
const GELU_GRAD = 'HybridBiasGeluGrad';
for (const name of [GELU, BIAS_GELU])
  tf.registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc: kernel(false) as unknown as tf.KernelFunc });
tf.registerKernel({ kernelName: GELU_GRAD, backendName: 'webgpu', kernelFunc: kernel(true) as unknown as tf.KernelFunc });

/** GELU(x + b) with b [width] broadcast over rows (b optional). */
export function biasGeluFused<T extends tf.Tensor>(x: T, b?: tf.Tensor1D): T {
  return (b ? tf.engine().runKernel(BIAS_GELU, { x, b }) : tf.engine().runKernel(GELU, { x })) as T;
}

/** d/dx of GELU(x + b), times dy: the gradient for x (and, summed over rows, for b). */
export function biasGeluGradFused<T extends tf.Tensor>(x: T, dy: T, b?: tf.Tensor1D): T {
  return tf.engine().runKernel(GELU_GRAD, b ? { x, b, dy } : { x, dy }) as T;
}

tf.registerGradient({
  kernelName: GELU,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({ x: () => biasGeluGradFused(x, dy as tf.Tensor) }),
});

tf.registerGradient({
  kernelName: BIAS_GELU,
  inputsToSave: ['x', 'b'],
  gradFunc: (dy, saved) => {
    const [x, b] = saved as [tf.Tensor, tf.Tensor1D];
    const dx = biasGeluGradFused(x, dy as tf.Tensor, b);
    return { x: () => dx, b: () => tf.sum(tf.reshape(dx, [-1, b.shape[0]]), 0) };
  },
});
