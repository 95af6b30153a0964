// Every fused WebGPU kernel against its tfjs-op reference (forward, and gradients where the kernel
// has any), on shapes that exercise the edges: rows and widths that are not multiples of the
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
import { HybridModel } from '../model/model';
import { contrastiveLoss } from '../model/contrastive';
import { stepImages } from '../model/augment';
import { embedTokens, scaledPatchRows } from '../model/embed';
import { dimsOf } from '../model/params';
import type { ModelConfig } from '../config';
import { adamwFused } from '../model/webgpu/adamw';
import { AdamW } from '../model/optimizer';
import { gpuCounts } from '../bench/gpuCounters';
import { hostBatches } from '../bench/measure';
import { forceReferenceOps } from '../model/webgpu/limits';
import { compareFused, compareFusedVars, relativeError, seeded, type CheckResult } from './compare';

/** A model small enough for SwiftShader, with widths that are not multiples of the workgroup sizes. */
const CHECK_MODEL: ModelConfig = { imageSize: 8, patch: 2, dim: 24, heads: 3, encLayers: 1, decLayers: 1, mixtures: 3, projDim: 8 };

function checkImages(n: number, size: number, seed: number): tf.Tensor4D {
  return tf.round(seeded([n, size, size, 3], seed, 0, 255)) as tf.Tensor4D;
}

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
  {
    name: 'encoder (embedding and one block)',
    run: async () => {
      const model = new HybridModel(CHECK_MODEL, 3);
      const images = checkImages(3, CHECK_MODEL.imageSize, 21);
      try {
        const vars = model.variables.filter(
          (v) => v.name.startsWith('patch_embed') || ['start', 'pos'].includes(v.name) || v.name.startsWith('enc0'),
        );
        return await compareFusedVars(
          'encoder (embedding and one block)',
          () => model.encode(images),
          vars.map((v) => v.variable),
          vars.map((v) => v.name),
        );
      } finally {
        images.dispose();
        model.dispose();
      }
    },
  },
  {
    name: 'patch rows',
    run: async () => {
      const images = checkImages(3, 8, 21);
      return withInputs([images], () =>
        compareFused('patch rows', (x) => scaledPatchRows(x as tf.Tensor4D, dimsOf(CHECK_MODEL)), [images], []),
      );
    },
  },
  {
    name: 'token assembly',
    run: async () => {
      const model = new HybridModel(CHECK_MODEL, 3);
      const rows = seeded([3 * 16, 12], 22) as T2;
      try {
        const vars = model.variables.filter((v) => v.name.startsWith('patch_embed') || ['start', 'pos'].includes(v.name));
        return await compareFusedVars(
          'token assembly',
          () => embedTokens(rows, model.params, model.dims),
          vars.map((v) => v.variable),
          vars.map((v) => v.name),
        );
      } finally {
        rows.dispose();
        model.dispose();
      }
    },
  },
  {
    name: 'generative head (final norm, head, DMoL likelihood)',
    run: async () => {
      const model = new HybridModel(CHECK_MODEL, 3);
      const { dims } = model;
      const batch = 3;
      const decoded = tf.variable(seeded([batch * dims.tokens, dims.dim], 23, -2, 2), true);
      // Pixels piled on the edge bins 0 and 255 as well as inside; head biases spread wide enough to
      // reach every branch of the likelihood (edges, bin mass, density in the far tails).
      const patches = tf.clipByValue(tf.round(seeded([batch, dims.numPatches, dims.patchDim], 24, -60, 315)), 0, 255) as tf.Tensor3D;
      model.params.genHead.b.assign(seeded(model.params.genHead.b.shape, 25, -8, 3));
      try {
        const vars = [decoded, model.params.genNorm.g, model.params.genNorm.b, model.params.genHead.w, model.params.genHead.b];
        return await compareFusedVars(
          'generative head (final norm, head, DMoL likelihood)',
          () => model.nllNats(decoded as unknown as T2, patches),
          vars,
          ['decoded', 'gen_ln/g', 'gen_ln/b', 'gen_head/w', 'gen_head/b'],
        );
      } finally {
        tf.dispose([decoded, patches]);
        model.dispose();
      }
    },
  },
  {
    name: 'contrastive branch (pooling, norm, head, NT-Xent)',
    run: async () => {
      const model = new HybridModel(CHECK_MODEL, 3);
      const { dims } = model;
      const batch = 3;
      // Clean rows first, then the 2B views' rows, as the training step lays them out.
      const encoded = tf.variable(seeded([3 * batch * dims.tokens, dims.dim], 26, -2, 2), true);
      const { repNorm, headFc1: fc1, headFc2: fc2 } = model.params;
      try {
        const vars = [encoded, repNorm.g, repNorm.b, fc1.w, fc1.b, fc2.w, fc2.b];
        return await compareFusedVars(
          'contrastive branch (pooling, norm, head, NT-Xent)',
          () => {
            const { loss, positiveTop1 } = contrastiveLoss(
              encoded as unknown as T2,
              { repNorm, fc1, fc2 },
              2 * batch,
              dims.tokens,
              0.2,
              batch * dims.tokens,
            );
            return [loss, positiveTop1];
          },
          vars,
          ['encoded', 'rep_ln/g', 'rep_ln/b', 'con_fc1/w', 'con_fc1/b', 'con_fc2/w', 'con_fc2/b'],
        );
      } finally {
        encoded.dispose();
        model.dispose();
      }
    },
  },
  ...[
    { clean: true, views: true },
    { clean: false, views: true },
    { clean: true, views: false },
  ].map((which) => {
    const name = `augmentation (clean ${which.clean}, views ${which.views})`;
    return {
      name,
      run: () => {
        const images = checkImages(5, 16, 27);
        return withInputs([images], () =>
          compareFused(
            name,
            (x) => {
              const { input, cleanPatches } = stepImages(x as tf.Tensor4D, 11, 3, 4, which);
              return cleanPatches ? [input as tf.Tensor4D, cleanPatches] : [input as tf.Tensor4D];
            },
            [images],
            [],
          ),
        );
      },
    };
  }),
  {
    name: 'AdamW over many variables, per-variable constants',
    run: async () => {
      const sizes = [5, 300, 1, 64, 1000, 33, 257, 12, 7];
      const total = sizes.reduce((a, b) => a + b, 0);
      const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
      const values = sizes.map((n, i) => seeded([n], 40 + i));
      const grads = sizes.map((n, i) => seeded([n], 60 + i, -0.1, 0.1));
      const m0 = seeded([total], 80, -0.01, 0.01);
      const v0 = seeded([total], 81, 0, 1e-4);
      // Every variable its own constants, as with per-variable step counts.
      const constants = sizes.map((_, i) => ({
        stepSize: 1e-3 * (1 + i),
        epsHat: 1e-8 * (1 + i / 3),
        decay: i % 2 ? 1 : Math.fround(1 - 1e-4),
      }));
      const [beta1, beta2] = [0.9, 0.999];
      const run = async (fused: boolean) => {
        const params = values.map((t) => tf.variable(t.clone(), false));
        const m = tf.variable(m0.clone(), false);
        const v = tf.variable(v0.clone(), false);
        if (fused) {
          adamwFused(
            sizes.map((_, i) => ({ param: params[i], grad: grads[i], offset: offsets[i], ...constants[i] })),
            m,
            v,
            beta1,
            beta2,
          );
        } else {
          // The update of AdamW.apply (../model/optimizer.ts), variable by variable.
          tf.tidy(() => {
            const ms: tf.Tensor[] = [];
            const vs: tf.Tensor[] = [];
            sizes.forEach((n, i) => {
              const { stepSize, epsHat, decay } = constants[i];
              const mi = tf.add(tf.mul(tf.slice(m, offsets[i], n), beta1), tf.mul(grads[i], 1 - beta1));
              const vi = tf.add(tf.mul(tf.slice(v, offsets[i], n), beta2), tf.mul(tf.square(grads[i]), 1 - beta2));
              params[i].assign(tf.sub(tf.mul(params[i], decay), tf.mul(tf.div(mi, tf.add(tf.sqrt(vi), epsHat)), stepSize)));
              ms.push(mi);
              vs.push(vi);
            });
            m.assign(tf.concat(ms));
            v.assign(tf.concat(vs));
          });
        }
        const out = await Promise.all([m, v, ...params].map(async (t) => Float32Array.from(await t.data())));
        tf.dispose([m, v, ...params]);
        return out;
      };
      try {
        const before = gpuCounts().dispatches;
        const reference = await run(false);
        const between = gpuCounts().dispatches;
        const fused = await run(true);
        const dispatches = { reference: between - before, fused: gpuCounts().dispatches - between };
        const errors: Record<string, number> = {};
        reference.forEach((r, i) => (errors[i === 0 ? 'm' : i === 1 ? 'v' : `p${i - 2}`] = relativeError(fused[i], r)));
        // A kernel that wrote nothing would leave the values as they were: that must not pass.
        const initial = await values[4].data();
        errors['p4 moved'] = relativeError(fused[6], initial) > 1e-6 ? 0 : Infinity;
        return {
          name: 'AdamW over many variables, per-variable constants',
          errors,
          worst: Math.max(...Object.values(errors)),
          fusedKernels: [],
          dispatches,
        };
      } finally {
        tf.dispose([...values, ...grads, m0, v0]);
      }
    },
  },
  {
    name: 'AdamW.apply: three steps, one without some gradients (per-variable step counts)',
    run: async () => {
      const shapes = [[3, 5], [300], [1], [64, 7], [1000], [33], [257], [12, 2], [7]];
      const run = async (reference: boolean) => {
        forceReferenceOps(reference);
        try {
          const vars = shapes.map((shape, i) => ({
            name: `v${i}`,
            variable: tf.variable(seeded(shape, 100 + i), true),
            decay: i % 2 === 0,
          }));
          const optimizer = new AdamW(vars, { weightDecay: 0.05, warmupSteps: 2 });
          for (let step = 1; step <= 3; step++) {
            tf.tidy(() => {
              const grads = shapes.map((shape, i) =>
                step === 2 && i % 3 === 0 ? undefined : seeded(shape, 200 + 10 * step + i, -0.1, 0.1),
              );
              optimizer.apply(grads, 1e-2, step);
            });
          }
          const state = await optimizer.exportState();
          const weights = await Promise.all(vars.map(async (v) => Float32Array.from(await v.variable.data())));
          optimizer.dispose();
          vars.forEach((v) => v.variable.dispose());
          return [...weights, ...state.map((s) => s.values)];
        } finally {
          forceReferenceOps(false);
        }
      };
      const before = gpuCounts().dispatches;
      const expected = await run(true);
      const between = gpuCounts().dispatches;
      const actual = await run(false);
      const dispatches = { reference: between - before, fused: gpuCounts().dispatches - between };
      const errors: Record<string, number> = {};
      expected.forEach((e, i) => (errors[i < shapes.length ? `p${i}` : `state${i - shapes.length}`] = relativeError(actual[i], e)));
      return {
        name: 'AdamW.apply: three steps, one without some gradients (per-variable step counts)',
        errors,
        worst: Math.max(...Object.values(errors)),
        fusedKernels: [],
        dispatches,
      };
    },
  },
  {
    // tfjs casts int32 → float32 without a copy: the batch the worker uploads reaches the kernel on int32 storage.
    name: 'augmentation of a batch cast from int32 (32 images)',
    run: () => {
      const images = tf.tensor4d(hostBatches(1, 32 * 16 * 16 * 3)[0], [32, 16, 16, 3], 'int32').toFloat() as tf.Tensor4D;
      return withInputs([images], () =>
        compareFused(
          'augmentation of a batch cast from int32 (32 images)',
          (x) => {
            const { input, cleanPatches } = stepImages(x as tf.Tensor4D, 11, 3, 4, { clean: true, views: true });
            return [input as tf.Tensor4D, cleanPatches as tf.Tensor3D];
          },
          [images],
          [],
        ),
      );
    },
  },
];
