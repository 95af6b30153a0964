// The block structured for the fused WebGPU kernels computes the same function and gradients as the
// block structured for tfjs's ops. On cpu every kernel takes its tfjs-op path, so this pins the
// structure (residual folding, bias-gradient folding, QKV in one matMul); e2e/kernels.spec.ts pins
// the kernels themselves on WebGPU.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createParams } from './params';
import { causalMask, transformerBlock } from './transformer';
import { MICRO_MODEL, useCpu } from './model.testing';

beforeAll(useCpu);

it('gpu-structured block equals the ops-structured block, forward and gradients', async () => {
  const { params } = createParams({ ...MICRO_MODEL, dim: 24, heads: 3 }, 5);
  const block = params.blocks[0];
  const batch = 3;
  const tokens = 5;
  const mask = causalMask(tokens);
  const x = tf.randomNormal([batch * tokens, 24], 0, 1, 'float32', 3) as tf.Tensor2D;
  const weights = tf.randomNormal([batch * tokens, 24], 0, 1, 'float32', 4);
  const vars = [
    block.ln1.g,
    block.ln1.b,
    block.qkv.w,
    block.qkv.b,
    block.proj.w,
    block.proj.b,
    block.ln2.g,
    block.ln2.b,
    block.fc1.w,
    block.fc1.b,
    block.fc2.w,
    block.fc2.b,
  ];
  const run = (structure: 'gpu' | 'ops') =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(transformerBlock(x, block, { batch, tokens, heads: 3, mask }, structure), weights)) as tf.Scalar,
        vars,
      );
      const dx = tf.grad((xi: tf.Tensor) =>
        tf.sum(tf.mul(transformerBlock(xi as tf.Tensor2D, block, { batch, tokens, heads: 3, mask }, structure), weights)),
      )(x);
      return [value, dx, ...vars.map((v) => grads[v.name])];
    });
  const [gpu, ops] = [run('gpu'), run('ops')];
  for (let i = 0; i < gpu.length; i++) {
    const [a, b] = [await gpu[i].data(), await ops[i].data()];
    const scale = Math.max(...Array.from(b, Math.abs));
    const diff = Math.max(...Array.from(a, (v, j) => Math.abs(v - b[j])));
    expect(diff / scale, `output ${i}`).toBeLessThan(1e-5);
  }
  tf.dispose([...gpu, ...ops, x, weights, mask]);
});

afterAll(() => tf.disposeVariables());
