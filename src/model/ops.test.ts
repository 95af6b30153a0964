// The hand-written gradients of ops.ts and attention.ts against tfjs autodiff of the plain
// formulas, on cpu and on wasm (where attention takes its depthwise-convolution path).
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionRows } from './attention';
import { dense, gelu, layerNorm2d, logSumExpLast } from './ops';
import { causalMask } from './transformer';

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
  const split = (x: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(x, [batch, tokens, heads, dh]), [0, 2, 1, 3]), [batch * heads, tokens, dh]);
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
      await expectSame(await valueAndGrads((x, w, b) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), inputs), await valueAndGrads(plain, inputs), 1e-5);
      tf.dispose(inputs);
    });

    it('layerNorm2d = (x − mean)/sqrt(var + eps)·g + b', async () => {
      const inputs = [values([6, 8], 4, 3), values([8], 5), values([8], 6)];
      const plain = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(x, -1, true);
        return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
      };
      await expectSame(await valueAndGrads((x, g, b) => layerNorm2d(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D), inputs), await valueAndGrads(plain, inputs), 1e-4);
      tf.dispose(inputs);
    });

    it('gelu = the tanh approximation', async () => {
      const inputs = [values([4, 9], 7, 4)];
      const plain = (x: tf.Tensor) => tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));
      await expectSame(await valueAndGrads((x) => gelu(x), inputs), await valueAndGrads(plain, inputs), 1e-5);
      tf.dispose(inputs);
    });

    it('logSumExpLast = logSumExp over the last axis', async () => {
      const inputs = [values([3, 4, 5], 8, 20)];
      await expectSame(await valueAndGrads((x) => logSumExpLast(x), inputs), await valueAndGrads((x) => tf.logSumExp(x, -1, true), inputs), 1e-5);
      tf.dispose(inputs);
    });

    it('attentionRows = causal multi-head attention', async () => {
      expect(tf.getBackend()).toBe(backend);
      const [batch, tokens, heads, d] = [3, 5, 2, 8];
      const mask = causalMask(tokens);
      const inputs = [values([batch * tokens, d], 9, 2), values([batch * tokens, d], 10, 2), values([batch * tokens, d], 11)];
      const custom = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => attentionRows(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, { batch, tokens, heads, mask });
      await expectSame(await valueAndGrads(custom, inputs), await valueAndGrads(plainAttention(batch, tokens, heads, mask), inputs), 1e-4);
      tf.dispose([...inputs, mask]);
    });
  });
}
