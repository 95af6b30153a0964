import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dmolNll, dmolNllPerElement, natsToBitsPerDim, ntXent } from './losses';
import { loadReference, useCpu } from './model.testing';

beforeAll(useCpu);

const ref = loadReference();

function relClose(actual: number, expected: number, rel = 1e-4, abs = 1e-5): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(abs + rel * Math.abs(expected));
}

describe('ntXent', () => {
  it('matches a hand-computed 2-image example', async () => {
    // Normalised rows: a=(1,0), b=(0,1) | c=(0.6,0.8), e=(0,1). Pairs (a,c) and (b,e). tau = 0.5.
    // sim/tau: a·b=0, a·c=1.2, a·e=0, b·c=1.6, b·e=2, c·e=1.6.
    const la = -1.2 + Math.log(1 + Math.exp(1.2) + 1); // anchor a, others b, c(+), e
    const lb = -2 + Math.log(1 + Math.exp(1.6) + Math.exp(2)); // anchor b, others a, c, e(+)
    const lc = -1.2 + Math.log(Math.exp(1.2) + Math.exp(1.6) + Math.exp(1.6)); // anchor c, others a(+), b, e
    const le = -2 + Math.log(1 + Math.exp(2) + Math.exp(1.6)); // anchor e, others a, b(+), c
    const expected = (la + lb + lc + le) / 4;
    // Top-1: a hits (1.2 > 0), b hits (2 > 1.6), c misses (a: 1.2 < b: 1.6), e hits (2 > 1.6) → 3/4.
    const z1 = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const z2 = tf.tensor2d([
      [3, 4],
      [0, 2],
    ]); // unnormalised on purpose
    const { loss, positiveTop1 } = ntXent(z1, z2, 0.5);
    relClose((await loss.data())[0], expected, 1e-6);
    expect((await positiveTop1.data())[0]).toBe(0.75);
    tf.dispose([z1, z2, loss, positiveTop1]);
  });

  it.each(ref.nt_xent.map((c, i) => [i, c] as const))('reproduces reference case %i', async (_i, c) => {
    const z1 = tf.tensor2d(c.z1);
    const z2 = tf.tensor2d(c.z2);
    const { loss, positiveTop1 } = ntXent(z1, z2, c.tau);
    relClose((await loss.data())[0], c.loss, 1e-5);
    expect((await positiveTop1.data())[0]).toBeCloseTo(c.positive_top1, 6);
    tf.dispose([z1, z2, loss, positiveTop1]);
  });
});

describe('dmolNll', () => {
  it.each(ref.dmol.map((c) => [c.name, c] as const))('reproduces reference case: %s', async (_name, c) => {
    const x = tf.tensor(c.x as number[], undefined, 'int32');
    const lp = tf.tensor(c.logit_probs as number[]);
    const mu = tf.tensor(c.means as number[]);
    const ls = tf.tensor(c.log_scales as number[]);
    const nats = dmolNll(x, lp, mu, ls);
    const bpd = natsToBitsPerDim(nats, x.size);
    relClose((await nats.data())[0], c.nll_nats_total, 2e-5, 1e-4);
    relClose((await bpd.data())[0], c.bits_per_dim, 2e-5, 1e-5);
    tf.dispose([x, lp, mu, ls, nats, bpd]);
  });

  it('converts a uniform likelihood over 256 levels to exactly 8 bits/dim', async () => {
    const nats = tf.scalar(256 * Math.log(256));
    const bpd = natsToBitsPerDim(nats, 256);
    expect((await bpd.data())[0]).toBeCloseTo(8, 5);
    tf.dispose([nats, bpd]);
  });

  it('gives ~8.0 bits/dim for a mixture that is uniform over the 256 levels', async () => {
    // 256 equally weighted components, one sharp logistic on each level: each level gets mass ≈ 1/256
    // (each component leaks ~1.3% per side to its neighbours, which give the same back).
    const levels = Array.from({ length: 256 }, (_, k) => k);
    const x = tf.tensor1d(levels, 'int32');
    const row = levels.map((k) => k / 127.5 - 1);
    const mu = tf.tile(tf.tensor2d(row, [1, 256]), [256, 1]);
    const lp = tf.zeros([256, 256]);
    const ls = tf.fill([256, 256], -7);
    const perElement = await dmolNllPerElement(x, lp, mu, ls).data();
    const probs = Array.from(perElement, (n) => Math.exp(-n));
    for (const p of probs) expect(Math.abs(p * 256 - 1)).toBeLessThan(1e-3);
    const bpd = (await natsToBitsPerDim(dmolNll(x, lp, mu, ls), 256).data())[0];
    expect(Math.abs(bpd - 8)).toBeLessThan(1e-3);
    tf.dispose([x, mu, lp, ls]);
  });

  it('gives far less than 8 bits/dim for a distribution peaked on the targets', async () => {
    const xs = [0, 17, 128, 200, 255, 3];
    const x = tf.tensor1d(xs, 'int32');
    const mu = tf.tensor2d(xs.map((v) => [v / 127.5 - 1]));
    const lp = tf.zeros([6, 1]);
    const ls = tf.fill([6, 1], -6);
    const bpd = (await natsToBitsPerDim(dmolNll(x, lp, mu, ls), 6).data())[0];
    expect(bpd).toBeLessThan(0.5);
    expect(bpd).toBeGreaterThanOrEqual(0);
    tf.dispose([x, mu, lp, ls]);
  });
});
