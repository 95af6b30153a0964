// The fused WebGPU kernels inside the model's own ops (embedding, encoder block, generative head,
// contrastive branch, augmentation, AdamW), each against the same op on its tfjs-op path.
import * as tf from '@tensorflow/tfjs';
import { gpuCounts } from '../bench/gpuCounters';
import { hostBatches } from '../bench/measure';
import { stepImages } from '../model/augment';
import { contrastiveLoss } from '../model/contrastive';
import { embedTokens, scaledPatchRows } from '../model/embed';
import { HybridModel } from '../model/model';
import { AdamW } from '../model/optimizer';
import { dimsOf } from '../model/params';
import { adamwFused } from '../model/webgpu/adamw';
import { forceReferenceOps } from '../model/webgpu/limits';
import { CHECK_MODEL, checkImages, withInputs, type KernelCheck, type T2 } from './checkSupport';
import { compareFused, compareFusedVars, relativeError, seeded } from './compare';

export const modelChecks: KernelCheck[] = [
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
