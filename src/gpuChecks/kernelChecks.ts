// Every fused WebGPU kernel against its tfjs-op reference (forward, and gradients where the kernel
// has any), on shapes that exercise the edges: rows and widths that are not multiples of the
// workgroup sizes, widths above one workgroup's threads. Run by e2e/kernels.spec.ts in Chromium.
import * as tf from '@tensorflow/tfjs';
import { layerNorm2d, layerNormBackward, layerNormForward, residualLayerNormForward } from '../model/ops';
import { compareFused, seeded, type CheckResult } from './compare';

export interface KernelCheck {
  name: string;
  run(): Promise<CheckResult>;
}

type T1 = tf.Tensor1D;
type T2 = tf.Tensor2D;

function normInputs(rows: number, d: number): [T2, T1, T1] {
  return [seeded([rows, d], 1, -3, 3) as T2, seeded([d], 2, 0.5, 1.5) as T1, seeded([d], 3) as T1];
}

async function withInputs(inputs: tf.Tensor[], body: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await body();
  } finally {
    tf.dispose(inputs);
  }
}

export const kernelChecks: KernelCheck[] = [
  ...[
    [37, 48],
    [70, 200],
  ].map(([rows, d]) => ({
    name: `layerNorm ${rows}x${d}`,
    run: () => {
      const inputs = normInputs(rows, d);
      // The kernel with its registered gradient, then the op the model uses (explicit backward).
      return withInputs(inputs, async () => {
        const a = await compareFused('', (x, g, b) => layerNormForward(x as T2, g as T1, b as T1).y, inputs, [0, 1, 2]);
        const b = await compareFused('', (x, g, b) => layerNorm2d(x as T2, g as T1, b as T1), inputs, [0, 1, 2]);
        const errors = { ...Object.fromEntries(Object.entries(a.errors).map(([k, v]) => [`kernel ${k}`, v])), ...b.errors };
        const fusedKernels = [...new Set([...a.fusedKernels, ...b.fusedKernels])].sort();
        return { name: `layerNorm ${rows}x${d}`, errors, worst: Math.max(a.worst, b.worst), fusedKernels };
      });
    },
  })),
  {
    name: 'residual layerNorm 45x96',
    run: () => {
      const [x, g, b] = normInputs(45, 96);
      const a = seeded([45, 96], 4) as T2;
      const inputs = [x, a, g, b];
      return withInputs(inputs, () =>
        compareFused(
          'residual layerNorm 45x96',
          (xi, ai, gi, bi) => {
            const r = residualLayerNormForward(xi as T2, ai as T2, gi as T1, bi as T1);
            return [r.h, r.y];
          },
          inputs,
          [0, 1, 2, 3],
        ),
      );
    },
  },
  {
    name: 'layerNorm backward with residual and extra 33x80',
    run: () => {
      const [x, g, b] = normInputs(33, 80);
      const dy = seeded([33, 80], 5) as T2;
      const res = seeded([33, 80], 6) as T2;
      const extra = seeded([33, 80], 7) as T2;
      const inputs = [x, g, b, dy, res, extra];
      return withInputs(inputs, () =>
        compareFused(
          'layerNorm backward with residual and extra 33x80',
          (xi, gi, bi, dyi, ri, ei) => {
            const { saved } = layerNormForward(xi as T2, gi as T1, bi as T1);
            return layerNormBackward(saved, gi as T1, dyi as T2, ri as T2, ei as T2) as tf.Tensor[];
          },
          inputs,
          [],
        ),
      );
    },
  },
];
