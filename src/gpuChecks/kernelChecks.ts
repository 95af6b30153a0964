// The fused WebGPU op kernels against their tfjs-op references (forward, and gradients where the
// kernel has any), on shapes that exercise the edges: rows and widths that are not multiples of the
// workgroup sizes, widths above one workgroup's threads. Run by e2e/kernels.spec.ts in Chromium.
import * as tf from '@tensorflow/tfjs';
import { attentionFromQkv } from '../model/attention';
import {
  biasGeluBackward,
  biasGeluForward,
  colSum,
  customOp,
  gelu,
  layerNorm2d,
  layerNormBackward,
  layerNormForward,
  residualLayerNormForward,
} from '../model/ops';
import { causalMask } from '../model/transformer';
import { normInputs, withInputs, type KernelCheck, type T1, type T2 } from './checkSupport';
import { compareFused, seeded } from './compare';
import { modelChecks } from './modelChecks';

export type { KernelCheck };

const opChecks: KernelCheck[] = [
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
  {
    name: 'gelu 300x7',
    run: () => {
      const x = seeded([300, 7], 11, -4, 4);
      return withInputs([x], () => compareFused('gelu 300x7', (xi) => gelu(xi), [x], [0]));
    },
  },
  {
    name: 'bias + gelu 130x96',
    run: () => {
      const x = seeded([130, 96], 12, -4, 4) as T2;
      const b = seeded([96], 13) as T1;
      const op = customOp<[T2, T1]>((xi, bi, save) => {
        save([xi, bi]);
        return {
          value: biasGeluForward(xi, bi),
          gradFunc: (dy, [xs, bs]) => {
            const dx = biasGeluBackward(xs as T2, bs as T1, dy as T2);
            return [dx, colSum(dx)];
          },
        };
      });
      return withInputs([x, b], () => compareFused('bias + gelu 130x96', (xi, bi) => op(xi as T2, bi as T1), [x, b], [0, 1]));
    },
  },
  ...[
    [3, 17, 2, 64],
    [2, 9, 3, 24],
  ].map(([batch, tokens, heads, d]) => {
    const name = `attention B${batch} T${tokens} h${heads} d${d}`;
    return {
      name,
      run: () => {
        const qkv = seeded([batch * tokens, 3 * d], 14, -2, 2) as T2;
        const mask = causalMask(tokens);
        return withInputs([qkv, mask], () =>
          compareFused(name, (x) => attentionFromQkv(x as T2, { batch, tokens, heads, mask }), [qkv], [0]),
        );
      },
    };
  }),
];

/** Every check, ops first, then the model-level ones (modelChecks.ts). */
export const kernelChecks: KernelCheck[] = [...opChecks, ...modelChecks];
