import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { contrastiveLoss, type ContrastiveHead } from './contrastive';
import { loadReference, useCpu } from './model.testing';

beforeAll(useCpu);

const ref = loadReference();

/**
 * Encoder rows and a head for which the fused op's projection is exactly the reference's z (up to a
 * positive factor per row, which the L2 normalisation removes), so the reference cases run through
 * the op the training step uses, not only through the readable ntXent.
 *
 * With k the width of z and s a fixed positive scaling: the pooled row is p = [z∘s, −z∘s] (d = 2k),
 * whose mean is 0, so LayerNorm (g = 1, β = 0) gives c·[z∘s, −z∘s] with c > 0. fc1 = ½[[D, −D],
 * [−D, D]] with D = diag(1/s) turns that into c·[z, −z], and fc2 = [I; −I] outputs
 * GELU(cz) − GELU(−cz) = cz, because x·Φ(x) − (−x)·Φ(−x) = x·(Φ(x) + Φ(−x)) = x (also for the
 * tanh/sigmoid form of GELU). The scaling s changes the angles between the pooled rows, so an op that
 * skipped or garbled the head would miss the reference values. Each view has 3 token rows p + u,
 * p − u and p, which average to p, so the mean pooling is exercised too.
 */
function referenceInputs(z: number[][]): { rows: tf.Tensor2D; head: ContrastiveHead; tokens: number } {
  const k = z[0].length;
  const d = 2 * k;
  const tokens = 3;
  const scale = Array.from({ length: k }, (_, j) => 0.5 + 0.75 * (j % 4));
  const rows: number[][] = [];
  z.forEach((zi, i) => {
    const scaled = zi.map((v, j) => v * scale[j]);
    const p = [...scaled, ...scaled.map((v) => -v)];
    const u = p.map((_, j) => 0.25 * Math.sin(1.7 * j + i));
    rows.push(
      p.map((v, j) => v + u[j]),
      p.map((v, j) => v - u[j]),
      p,
    );
  });
  // fc1[r][c]: input r (block of r, index r mod k) to output c; nonzero only where r ≡ c (mod k).
  const fc1 = Array.from({ length: d }, (_, r) =>
    Array.from({ length: d }, (_, c) => (r % k === c % k ? (r < k === c < k ? 0.5 : -0.5) / scale[r % k] : 0)),
  );
  const fc2 = Array.from({ length: d }, (_, r) => Array.from({ length: k }, (_, c) => (r % k === c ? (r < k ? 1 : -1) : 0)));
  // The head's parameters are variables, as the model's are.
  const v = (t: tf.Tensor) => tf.variable(t, false);
  const head: ContrastiveHead = {
    repNorm: { g: v(tf.ones([d])), b: v(tf.zeros([d])) },
    fc1: { w: v(tf.tensor2d(fc1)), b: v(tf.zeros([d])) },
    fc2: { w: v(tf.tensor2d(fc2)), b: v(tf.zeros([k])) },
  };
  return { rows: tf.tensor2d(rows), head, tokens };
}

function relClose(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6 + rel * Math.abs(expected));
}

describe('contrastiveLoss (the fused op of the training step)', () => {
  it.each(ref.nt_xent.map((c, i) => [i, c] as const))('reproduces PyTorch reference case %i (loss and top-1)', async (_i, c) => {
    const z = [...c.z1, ...c.z2]; // view 1 of image i is row i, view 2 is row B + i, as in training
    const { rows, head, tokens } = referenceInputs(z);
    const { loss, positiveTop1 } = contrastiveLoss(rows, head, z.length, tokens, c.tau);
    relClose((await loss.data())[0], c.loss, 1e-5);
    expect((await positiveTop1.data())[0]).toBeCloseTo(c.positive_top1, 6);
    tf.dispose([rows, loss, positiveTop1, head.repNorm.g, head.repNorm.b, head.fc1.w, head.fc1.b, head.fc2.w, head.fc2.b]);
  });
});
