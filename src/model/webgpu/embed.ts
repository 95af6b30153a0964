// The token embedding's two non-matMul steps as WebGPU kernels: images [B,S,S,3] (0..255) straight to
// scaled patch rows [B·N, P·P·3] (patchify's transpose and the x/127.5 − 1 scaling in one pass), and
// the token rows [B·T, d] assembled from the start token, the patch tokens and the position
// embeddings, whose gradient (patch-token rows, Σ_b over the start token and each position) is one
// more kernel. The reference is patchify and HybridModel.embed in ../model.ts.
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { KernelNeeds } from './limits';
import { grid, runProgram, WGSL_GROUP_INDEX, type BackendInternals, type ProgramSpec } from './runner';
import { wgslPerElement } from './wgsl';

const THREADS = 256;

const PATCH_ROWS: ProgramSpec = {
  key: 'hl_patch_rows',
  outputs: ['rows'],
  inputs: ['images'],
  inputTypes: { images: 'stored' },
  uniforms: [
    ['size', 'u32'],
    ['S', 'u32'],
    ['P', 'u32'],
  ],
  main: `
${WGSL_GROUP_INDEX}
${wgslPerElement(THREADS, 'u.size')}
  // o = ((b·N + n)·P·P·3 + (py·P + px)·3 + c), patches in raster order.
  let D = u.P * u.P * 3u;
  let G = u.S / u.P;
  let i = o % D;
  let n = (o / D) % (G * G);
  let b = o / (D * G * G);
  let y = (n / G) * u.P + i / (u.P * 3u);
  let x = (n % G) * u.P + (i / 3u) % u.P;
  rows[o] = f32(images[((b * u.S + y) * u.S + x) * 3u + i % 3u]) / 127.5 - 1.0;
}`,
};

const ASSEMBLE: ProgramSpec = {
  key: 'hl_assemble_tokens',
  outputs: ['rows'],
  inputs: ['tok', 'start', 'pos'],
  uniforms: [
    ['size', 'u32'],
    ['T', 'u32'],
    ['d', 'u32'],
  ],
  main: `
${WGSL_GROUP_INDEX}
${wgslPerElement(THREADS, 'u.size')}
  let j = o % u.d;
  let t = (o / u.d) % u.T;
  let b = o / (u.d * u.T);
  let first = start[j];
  let fromPatch = tok[(b * (u.T - 1u) + max(t, 1u) - 1u) * u.d + j];
  rows[o] = select(fromPatch, first, t == 0u) + pos[t * u.d + j];
}`,
};

const ASSEMBLE_GRAD: ProgramSpec = {
  key: 'hl_assemble_tokens_grad',
  outputs: ['dtok', 'dstart', 'dpos'],
  inputs: ['dy'],
  uniforms: [
    ['B', 'u32'],
    ['T', 'u32'],
    ['d', 'u32'],
  ],
  main: `
${WGSL_GROUP_INDEX}
${wgslPerElement(THREADS, 'u.T * u.d')}
  let j = o % u.d;
  let t = o / u.d;
  var sum = 0.0;
  for (var b = 0u; b < u.B; b++) {
    let g = dy[(b * u.T + t) * u.d + j];
    sum += g;
    if (t > 0u) { dtok[(b * (u.T - 1u) + t - 1u) * u.d + j] = g; }
  }
  dpos[o] = sum;
  if (t == 0u) { dstart[j] = sum; }
}`,
};

export function embedNeeds(rowBytes: number): KernelNeeds {
  return { storageBuffers: 4, workgroupInvocations: THREADS, largestBindingBytes: rowBytes };
}

type Kernel = { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap };

const KERNEL_PATCH_ROWS = 'HybridPatchRows';
const KERNEL_ASSEMBLE = 'HybridAssembleTokens';
const KERNEL_ASSEMBLE_GRAD = 'HybridAssembleTokensGrad';

tf.registerKernel({
  kernelName: KERNEL_PATCH_ROWS,
  backendName: 'webgpu',
  kernelFunc: (({ inputs, backend, attrs }: Kernel): TensorInfo => {
    const { images } = inputs as Record<string, TensorInfo>;
    const internals = backend as BackendInternals;
    const [b, s] = images.shape;
    const p = attrs.patch as number;
    const size = b * s * s * 3;
    return runProgram(internals, PATCH_ROWS, {
      inputs: [images],
      outputs: [[(b * s * s) / (p * p), p * p * 3]],
      uniforms: [size, s, p],
      dispatch: grid(internals, size, THREADS),
    })[0];
  }) as unknown as tf.KernelFunc,
});

tf.registerKernel({
  kernelName: KERNEL_ASSEMBLE,
  backendName: 'webgpu',
  kernelFunc: (({ inputs, backend }: Kernel): TensorInfo => {
    const { tok, start, pos } = inputs as Record<string, TensorInfo>;
    const internals = backend as BackendInternals;
    const [tokens, d] = pos.shape;
    const batch = tok.shape[0] / (tokens - 1);
    const size = batch * tokens * d;
    return runProgram(internals, ASSEMBLE, {
      inputs: [tok, start, pos],
      outputs: [[batch * tokens, d]],
      uniforms: [size, tokens, d],
      dispatch: grid(internals, size, THREADS),
    })[0];
  }) as unknown as tf.KernelFunc,
});

tf.registerKernel({
  kernelName: KERNEL_ASSEMBLE_GRAD,
  backendName: 'webgpu',
  kernelFunc: (({ inputs, backend }: Kernel): TensorInfo[] => {
    const { dy } = inputs as Record<string, TensorInfo>;
    const internals = backend as BackendInternals;
    const tokens = (inputs.pos as TensorInfo).shape[0];
    const d = dy.shape[1];
    const batch = dy.shape[0] / tokens;
    return runProgram(internals, ASSEMBLE_GRAD, {
      inputs: [dy],
      outputs: [
        [batch * (tokens - 1), d],
        [1, d],
        [tokens, d],
      ],
      uniforms: [batch, tokens, d],
      dispatch: grid(internals, tokens * d, THREADS),
    });
  }) as unknown as tf.KernelFunc,
});

/** Images [B,S,S,3] (0..255) → patch rows [B·N, P·P·3] scaled to [-1, 1]. */
export function patchRowsFused(images: tf.Tensor4D, patch: number): tf.Tensor2D {
  return tf.engine().runKernel(KERNEL_PATCH_ROWS, { images }, { patch }) as tf.Tensor2D;
}

/** Token rows [B·T, d]: row 0 of each image is start + pos[0], row t is patch token t−1 + pos[t]. */
export function assembleTokensFused(tok: tf.Tensor2D, start: tf.Tensor2D, pos: tf.Tensor2D): tf.Tensor2D {
  return tf.engine().runKernel(KERNEL_ASSEMBLE, { tok, start, pos }) as tf.Tensor2D;
}

/** [dtok, dstart, dpos] from the gradient of the token rows. */
export function assembleTokensGradFused(dy: tf.Tensor2D, pos: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D] {
  return tf.engine().runKernel(KERNEL_ASSEMBLE_GRAD, { dy, pos }) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
}

tf.registerGradient({
  kernelName: KERNEL_ASSEMBLE,
  inputsToSave: ['pos'],
  gradFunc: (dy, [pos]) => {
    const [dtok, dstart, dpos] = assembleTokensGradFused(dy as tf.Tensor2D, pos as tf.Tensor2D);
    return { tok: () => dtok, start: () => dstart, pos: () => dpos };
  },
});
