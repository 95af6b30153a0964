// The hand-written gradients of ops.ts and attention.ts against tfjs autodiff of the plain
// formulas, on cpu and on wasm (where attention takes its depthwise-convolution path).
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionRows } from './attention';
import { contrastiveLoss } from './contrastive';
import { dmolNllPerElement } from './dmol';
import { ntXent } from './losses';
import { generativeNllNats } from './genHead';
import { HybridModel } from './model';
import { MICRO_MODEL } from './model.testing';
import { dense, gelu, layerNorm2d } from './ops';
import type { Block } from './params';
import { causalMask, readableTransformerBlock, transformerBlock } from './transformer';

beforeAll(() => {
  setWasmPaths(path.resolve(__dirname, '../../node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Seeded values in [-scale, scale]. */
function values(shape: number[], seed: number, scale = 1): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = scale * ((s / 2 ** 32) * 2 - 1);
  }
  return tf.tensor(out, shape);
}

/** Value and gradients (w.r.t. every input) of sum(f(inputs) ⊙ probe), a random projection. */
async function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): Promise<Float32Array[]> {
  const out = tf.tidy(() => {
    const probe = values(f(...inputs).shape, 99);
    const g = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), probe)));
    return [f(...inputs), ...g(inputs)];
  });
  const data = await Promise.all(out.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(out);
  return data;
}

async function expectSame(custom: Float32Array[], plain: Float32Array[], tolerance: number): Promise<void> {
  expect(custom.length).toBe(plain.length);
  custom.forEach((c, i) => {
    const p = plain[i];
    expect(c.length).toBe(p.length);
    const scale = Math.max(1e-3, ...Array.from(p, Math.abs));
    let worst = 0;
    for (let j = 0; j < c.length; j++) worst = Math.max(worst, Math.abs(c[j] - p[j]));
    expect(worst / scale, `output ${i}`).toBeLessThan(tolerance);
  });
}

const plainAttention = (batch: number, tokens: number, heads: number, mask: tf.Tensor2D) => (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => {
  const d = q.shape[1] as number;
  const dh = d / heads;
  const split = (x: tf.Tensor) =>
    tf.reshape(tf.transpose(tf.reshape(x, [batch, tokens, heads, dh]), [0, 2, 1, 3]), [batch * heads, tokens, dh]);
  const p = tf.softmax(tf.add(tf.mul(tf.matMul(split(q), split(k), false, true), 1 / Math.sqrt(dh)), mask));
  const c = tf.matMul(p, split(v));
  return tf.reshape(tf.transpose(tf.reshape(c, [batch, heads, tokens, dh]), [0, 2, 1, 3]), [batch * tokens, d]);
};

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fused ops on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
      await tf.ready();
    });

    it('dense = x·w + b', async () => {
      const inputs = [values([7, 5], 1), values([5, 3], 2), values([3], 3)];
      const plain = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.add(tf.matMul(x, w), b);
      await expectSame(
        await valueAndGrads((x, w, b) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), inputs),
        await valueAndGrads(plain, inputs),
        1e-5,
      );
      tf.dispose(inputs);
    });

    it('layerNorm2d = (x − mean)/sqrt(var + eps)·g + b', async () => {
      const inputs = [values([6, 8], 4, 3), values([8], 5), values([8], 6)];
      const plain = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(x, -1, true);
        return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
      };
      await expectSame(
        await valueAndGrads((x, g, b) => layerNorm2d(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D), inputs),
        await valueAndGrads(plain, inputs),
        1e-4,
      );
      tf.dispose(inputs);
    });

    it('gelu = the tanh approximation', async () => {
      const inputs = [values([4, 9], 7, 4)];
      const plain = (x: tf.Tensor) =>
        tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));
      await expectSame(await valueAndGrads((x) => gelu(x), inputs), await valueAndGrads(plain, inputs), 1e-5);
      tf.dispose(inputs);
    });

    it('dmolNllPerElement: hand-written gradient = autodiff of the formula, edge bins and sharp components included', async () => {
      const shape = [2, 3, 6, 2];
      // Pixels hit both edge bins and the middle; log-scales reach the clamp and the density branch.
      const x = tf.tensor3d(
        Array.from({ length: 36 }, (_, i) => [0, 255, 3, 128, 250, 77][i % 6]),
        [2, 3, 6],
        'int32',
      );
      const inputs = [values(shape, 13, 2), values(shape, 14, 0.9), tf.sub(values(shape, 15, 4), 4)];
      const xf = tf.expandDims(tf.cast(x, 'float32'), -1);
      const parts = (mu: tf.Tensor, raw: tf.Tensor) => {
        const s = tf.maximum(raw, -7);
        const c = tf.sub(tf.sub(tf.div(xf, 127.5), 1), mu);
        return { s, inv: tf.exp(tf.neg(s)), c };
      };
      // The branch test on the given values, off the tape: autodiff cannot pass through a comparison.
      const useDelta = tf.tidy(() => {
        const { inv, c } = parts(inputs[1], inputs[2]);
        return tf.greater(tf.sub(tf.sigmoid(tf.mul(inv, tf.add(c, 1 / 255))), tf.sigmoid(tf.mul(inv, tf.sub(c, 1 / 255)))), 1e-5);
      });
      const plain = (l: tf.Tensor, mu: tf.Tensor, raw: tf.Tensor) => {
        const { s, inv, c } = parts(mu, raw);
        const p = tf.mul(inv, tf.add(c, 1 / 255));
        const q = tf.mul(inv, tf.sub(c, 1 / 255));
        const u = tf.mul(inv, c);
        const delta = tf.sub(tf.sigmoid(p), tf.sigmoid(q));
        const inner = tf.where(
          useDelta,
          tf.log(tf.maximum(delta, 1e-12)),
          tf.sub(tf.sub(tf.sub(u, s), tf.mul(2, tf.softplus(u))), Math.log(127.5)),
        );
        const edge = tf.where(
          tf.broadcastTo(tf.lessEqual(xf, 0.5), shape),
          tf.sub(p, tf.softplus(p)),
          tf.where(tf.broadcastTo(tf.greaterEqual(xf, 254.5), shape), tf.neg(tf.softplus(q)), inner),
        );
        return tf.neg(tf.logSumExp(tf.add(edge, tf.logSoftmax(l, -1)), -1));
      };
      const custom = (l: tf.Tensor, mu: tf.Tensor, raw: tf.Tensor) => dmolNllPerElement(x, l, mu, raw);
      await expectSame(await valueAndGrads(custom, inputs), await valueAndGrads(plain, inputs), 2e-4);
      tf.dispose([x, xf, useDelta, ...inputs]);
    });

    it('generativeNllNats = Σ dmolNllPerElement of the head (LayerNorm, matMul) per image', async () => {
      const model = new HybridModel(MICRO_MODEL, 3);
      const { dims } = model;
      const [batch, n] = [3, dims.numPatches];
      const patches = tf.tensor3d(
        Array.from({ length: batch * n * dims.patchDim }, (_, i) => (i * 37) % 256),
        [batch, n, dims.patchDim],
        'int32',
      );
      const { genNorm, genHead } = model.params;
      const inputs = [values([batch * n, dims.dim], 30, 2), genNorm.g, genNorm.b, genHead.w, genHead.b];
      const asParams = (p: tf.Tensor[]) => ({ norm: { g: p[0], b: p[1] } as typeof genNorm, head: { w: p[2], b: p[3] } as typeof genHead });
      const custom = (rows: tf.Tensor, ...p: tf.Tensor[]) =>
        generativeNllNats(rows as tf.Tensor2D, asParams(p).norm, asParams(p).head, patches, dims);
      const plain = (rows: tf.Tensor, ...p: tf.Tensor[]) => {
        const { norm, head } = asParams(p);
        const saved = { ...model.params };
        Object.assign(model.params, { genNorm: norm, genHead: head });
        // A decoded sequence whose positions 0..N-1 are the given rows (the last position unused).
        const decoded = tf.reshape(tf.concat([tf.reshape(rows, [batch, n, dims.dim]), tf.zeros([batch, 1, dims.dim])], 1), [
          batch * dims.tokens,
          dims.dim,
        ]);
        const mix = model.mixture(decoded as tf.Tensor2D, batch);
        Object.assign(model.params, saved);
        return tf.sum(dmolNllPerElement(patches, mix.logits, mix.means, mix.logScales), [1, 2]);
      };
      await expectSame(await valueAndGrads(custom, inputs), await valueAndGrads(plain, inputs), 1e-4);
      tf.dispose([patches, inputs[0]]);
      model.dispose();
    });

    it('contrastiveLoss = ntXent(project(representation(·))), loss and top-1', async () => {
      const model = new HybridModel(MICRO_MODEL, 4);
      const { tokens, dim } = model.dims;
      const views = 6;
      const { repNorm, headFc1, headFc2 } = model.params;
      const inputs = [values([views * tokens, dim], 31, 2), repNorm.g, repNorm.b, headFc1.w, headFc1.b, headFc2.w, headFc2.b];
      const head = (p: tf.Tensor[]) =>
        ({ repNorm: { g: p[0], b: p[1] }, fc1: { w: p[2], b: p[3] }, fc2: { w: p[4], b: p[5] } }) as Parameters<typeof contrastiveLoss>[1];
      const custom = (rows: tf.Tensor, ...p: tf.Tensor[]) => contrastiveLoss(rows as tf.Tensor2D, head(p), views, tokens, 0.3).loss;
      const plain = (rows: tf.Tensor, ...p: tf.Tensor[]) => {
        const h = head(p);
        const saved = { ...model.params };
        Object.assign(model.params, { repNorm: h.repNorm, headFc1: h.fc1, headFc2: h.fc2 });
        const [z1, z2] = tf.split(model.project(model.representation(rows as tf.Tensor2D, views)), 2, 0) as tf.Tensor2D[];
        Object.assign(model.params, saved);
        return ntXent(z1, z2, 0.3).loss;
      };
      await expectSame(await valueAndGrads(custom, inputs), await valueAndGrads(plain, inputs), 1e-4);
      const top1 = tf.tidy(() => [
        contrastiveLoss(inputs[0] as tf.Tensor2D, head(inputs.slice(1)), views, tokens, 0.3).positiveTop1,
        (() => {
          const [z1, z2] = tf.split(model.project(model.representation(inputs[0] as tf.Tensor2D, views)), 2, 0) as tf.Tensor2D[];
          return ntXent(z1, z2, 0.3).positiveTop1;
        })(),
      ]);
      expect((await top1[0].data())[0]).toBe((await top1[1].data())[0]);
      tf.dispose([...top1, inputs[0]]);
      model.dispose();
    });

    it('attentionRows = causal multi-head attention', async () => {
      expect(tf.getBackend()).toBe(backend);
      const [batch, tokens, heads, d] = [3, 5, 2, 8];
      const mask = causalMask(tokens);
      const inputs = [values([batch * tokens, d], 9, 2), values([batch * tokens, d], 10, 2), values([batch * tokens, d], 11)];
      const custom = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) =>
        attentionRows(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, { batch, tokens, heads, mask });
      await expectSame(await valueAndGrads(custom, inputs), await valueAndGrads(plainAttention(batch, tokens, heads, mask), inputs), 1e-4);
      tf.dispose([...inputs, mask]);
    });

    it('transformerBlock (the fused op) = readableTransformerBlock, values and gradients', async () => {
      const [batch, tokens, heads, d] = [2, 5, 2, 8];
      const mask = causalMask(tokens);
      const shapes = [[d], [d], [d, 3 * d], [3 * d], [d, d], [d], [d], [d], [d, 4 * d], [4 * d], [4 * d, d], [d]];
      const inputs = [
        values([batch * tokens, d], 12, 2),
        ...shapes.map((shape, i) => values(shape, 20 + i, shape.length === 1 ? 0.5 : 0.3)),
      ];
      const asBlock = (p: tf.Tensor[]): Block => {
        const v = p as tf.Variable[];
        return {
          ln1: { g: v[0], b: v[1] },
          qkv: { w: v[2], b: v[3] },
          proj: { w: v[4], b: v[5] },
          ln2: { g: v[6], b: v[7] },
          fc1: { w: v[8], b: v[9] },
          fc2: { w: v[10], b: v[11] },
        };
      };
      const shape = { batch, tokens, heads, mask };
      const readable = (x: tf.Tensor, ...p: tf.Tensor[]) => readableTransformerBlock(x as tf.Tensor2D, asBlock(p), shape);
      const fused = (x: tf.Tensor, ...p: tf.Tensor[]) => transformerBlock(x as tf.Tensor2D, asBlock(p), shape);
      await expectSame(await valueAndGrads(fused, inputs), await valueAndGrads(readable, inputs), 1e-4);
      tf.dispose([...inputs, mask]);
    });
  });
}
