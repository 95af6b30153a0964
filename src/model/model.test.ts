import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetConfig } from '../config';
import { natsToBitsPerDim, ntXent } from './losses';
import { HybridModel, patchify, unpatchify } from './model';
import { MICRO_MODEL, fakeImages, useCpu } from './model.testing';

beforeAll(useCpu);

describe('patchify', () => {
  it('round-trips and orders patches in raster order', async () => {
    const model = new HybridModel(MICRO_MODEL, 1);
    const images = fakeImages(2, 8, 3);
    const patches = patchify(images, model.dims);
    expect(patches.shape).toEqual([2, 4, 48]);
    const back = unpatchify(patches, model.dims);
    expect(Array.from(await back.data())).toEqual(Array.from(await images.data()));
    // Patch 1 is the top-right 4×4 block; its first sub-pixel is pixel (0, 4), channel 0.
    const p = (await patches.array()) as number[][][];
    const img = (await images.array()) as number[][][][];
    expect(p[0][1][0]).toBe(img[0][0][4][0]);
    expect(p[1][2][3 * 4 * 1 + 3 * 2 + 1]).toBe(img[1][4 + 1][2][1]);
    tf.dispose([images, patches, back]);
    model.dispose();
  });
});

describe('causality', () => {
  const { model: config } = presetConfig('tiny');
  const model = new HybridModel(config, 4);
  afterAll(() => model.dispose());

  it('changing patch k changes no prediction for positions ≤ k, and does change position k+1', async () => {
    const n = model.dims.numPatches;
    const k = 6;
    const base = patchify(fakeImages(2, config.imageSize, 8), model.dims);
    const changedValues = (await base.array()) as number[][][];
    for (const img of changedValues) img[k] = img[k].map((v) => 255 - v);
    const changed = tf.tensor3d(changedValues);
    const predict = (patches: tf.Tensor3D) =>
      tf.tidy(() => {
        const mix = model.mixture(model.decode(model.encodePatches(patches), 2), 2);
        return tf.concat([mix.logits, mix.means, mix.logScales], -1);
      });
    const [a, b] = [predict(base), predict(changed)];
    const diff = (await tf.max(tf.abs(tf.sub(a, b)), [0, 2, 3]).data()) as Float32Array; // per position
    expect(diff.length).toBe(n);
    for (let t = 0; t <= k; t++) expect(diff[t]).toBe(0);
    expect(diff[k + 1]).toBeGreaterThan(1e-4);
    // The representation pools all positions, so it must see the change.
    const [ra, rb] = [model.representation(model.encodePatches(base), 2), model.representation(model.encodePatches(changed), 2)];
    expect((await tf.max(tf.abs(tf.sub(ra, rb))).data())[0]).toBeGreaterThan(1e-4);
    tf.dispose([base, changed, a, b, ra, rb]);
  });
});

/**
 * Central finite differences on a few entries of several variables against tf.variableGrads, in
 * float32: eps = 1e-2 keeps rounding error (~1e-7·|L|/eps) well under the checked gradients.
 */
async function gradientCheck(model: HybridModel, loss: () => tf.Scalar, names: string[]): Promise<void> {
  const vars = model.variables.filter((v) => names.includes(v.name));
  const { value, grads } = tf.variableGrads(
    loss,
    vars.map((v) => v.variable),
  );
  value.dispose();
  const eps = 1e-2;
  let checked = 0;
  for (const { name, variable } of vars) {
    const g = (await grads[variable.name].data()) as Float32Array;
    // The three largest-magnitude entries: the ones a wrong gradient would most visibly get wrong.
    const order = Array.from(g.keys())
      .sort((i, j) => Math.abs(g[j]) - Math.abs(g[i]))
      .slice(0, 3);
    const original = Float32Array.from(await variable.data());
    for (const i of order) {
      const evalAt = async (delta: number) => {
        const values = Float32Array.from(original);
        values[i] += delta;
        tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
        const l = tf.tidy(loss);
        const out = (await l.data())[0];
        l.dispose();
        return out;
      };
      const fd = ((await evalAt(eps)) - (await evalAt(-eps))) / (2 * eps);
      tf.tidy(() => variable.assign(tf.tensor(original, variable.shape)));
      expect(Math.abs(fd - g[i]), `${name}[${i}] fd=${fd} grad=${g[i]}`).toBeLessThanOrEqual(0.03 * Math.abs(g[i]) + 2e-3);
      checked++;
    }
  }
  tf.dispose(Object.values(grads));
  expect(checked).toBe(3 * names.length);
}

describe('gradients by finite differences', () => {
  const model = new HybridModel(MICRO_MODEL, 2);
  const images = fakeImages(4, MICRO_MODEL.imageSize, 12);
  afterAll(() => {
    model.dispose();
    images.dispose();
  });

  it('L_gen (bits/dim)', async () => {
    const loss = () => {
      const nats = model.nllNats(model.decode(model.encode(images), 4), patchify(images, model.dims));
      return natsToBitsPerDim(tf.mean(nats) as tf.Scalar, model.subPixels);
    };
    await gradientCheck(model, loss, ['gen_head/w', 'gen_head/b', 'dec0/fc1/w', 'enc0/qkv/w', 'patch_embed/w', 'pos']);
  });

  it('L_con (NT-Xent)', async () => {
    const views = tf.concat([images, tf.reverse(images, 2)]) as tf.Tensor4D; // two "views" of 4 images
    const loss = () => {
      const z = model.project(model.representation(model.encode(views), 8));
      const [z1, z2] = tf.split(z, 2, 0) as tf.Tensor2D[];
      const { loss: l, positiveTop1 } = ntXent(z1, z2, 0.5);
      positiveTop1.dispose();
      return l;
    };
    await gradientCheck(model, loss, ['con_fc2/w', 'con_fc1/w', 'rep_ln/g', 'enc0/fc2/w', 'enc0/qkv/w', 'start']);
    views.dispose();
  });
});
