import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetConfig, type HyperParams } from '../config';
import { augmentViews, cleanView, stepImages } from './augment';
import { ntXent } from './losses';
import { HybridTrainer, type StepOutputs } from './trainer';
import { MICRO_MODEL, MICRO_TRAIN, fakeImages, useCpu } from './model.testing';

beforeAll(useCpu);

const HYPER: HyperParams = { lambdaCon: 1, lambdaGen: 1, tau: 0.2, lr: 3e-3 };

async function read(out: StepOutputs): Promise<number[]> {
  const values = await Promise.all([out.total.data(), out.con.data(), out.bpd.data(), out.conTop1.data()]);
  tf.dispose([out.total, out.con, out.bpd, out.conTop1]);
  return values.map((v) => v[0]);
}

describe('HybridTrainer on the tiny preset', () => {
  const { model, train: preset } = presetConfig('tiny', 3);
  const train = { ...preset, batch: 8 }; // the tiny preset's architecture at a CPU-friendly batch
  const images = fakeImages(train.batch, model.imageSize, 5);
  afterAll(() => images.dispose());

  it('takes steps without leaking tensors and reports finite losses', async () => {
    const trainer = new HybridTrainer(model, train);
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [total, con, bpd, top1] = await read(trainer.trainStep(images, HYPER));
      for (const v of [total, con, bpd, top1]) expect(Number.isFinite(v)).toBe(true);
      expect(total).toBeCloseTo(con + bpd, 4);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    expect(trainer.step).toBe(5);
    trainer.dispose();
  });

  it('export → import into a fresh trainer gives bit-identical next steps', async () => {
    const a = new HybridTrainer(model, train);
    for (let i = 0; i < 2; i++) await read(a.trainStep(images, HYPER));
    const state = await a.exportState();
    // b has drifted elsewhere first, so only a complete import can make it match a.
    const b = new HybridTrainer(model, train);
    const other = fakeImages(train.batch, model.imageSize, 77);
    for (let i = 0; i < 3; i++) await read(b.trainStep(other, { ...HYPER, lr: 1e-2 }));
    other.dispose();
    b.importState(state);
    b.importState(state); // importing twice is harmless
    expect(b.step).toBe(a.step);
    for (let i = 0; i < 2; i++) {
      const [ra, rb] = [await read(a.trainStep(images, HYPER)), await read(b.trainStep(images, HYPER))];
      expect(rb).toEqual(ra);
    }
    const [wa, wb] = [await a.exportState(), await b.exportState()];
    expect(wb.weights.map((w) => Array.from(w.values))).toEqual(wa.weights.map((w) => Array.from(w.values)));
    a.dispose();
    b.dispose();
  });
});

describe('HybridTrainer loss weights', () => {
  const images = fakeImages(MICRO_TRAIN.batch, MICRO_MODEL.imageSize, 9);
  afterAll(() => images.dispose());

  it('reports NaN contrastive metrics when λcon = 0 and trains the generative loss', async () => {
    const trainer = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
    const first = await read(trainer.trainStep(images, { ...HYPER, lambdaCon: 0, lr: 1e-2 }));
    expect(Number.isNaN(first[1])).toBe(true);
    expect(Number.isNaN(first[3])).toBe(true);
    expect(first[0]).toBeCloseTo(first[2], 5);
    let last = first;
    for (let i = 0; i < 15; i++) last = await read(trainer.trainStep(images, { ...HYPER, lambdaCon: 0, lr: 1e-2 }));
    expect(last[2]).toBeLessThan(first[2]);
    trainer.dispose();
  });

  it('reports bpd without a generative gradient when λgen = 0', async () => {
    const trainer = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
    const before = await trainer.exportState();
    const [total, con, bpd] = await read(trainer.trainStep(images, { ...HYPER, lambdaGen: 0 }));
    expect(total).toBeCloseTo(con, 5);
    expect(Number.isFinite(bpd)).toBe(true);
    const after = await trainer.exportState();
    const headBefore = before.weights.find((w) => w.name === 'gen_head/w')!;
    const headAfter = after.weights.find((w) => w.name === 'gen_head/w')!;
    expect(Array.from(headAfter.values)).toEqual(Array.from(headBefore.values)); // frozen: no gradient
    const embedBefore = before.weights.find((w) => w.name === 'patch_embed/w')!;
    const embedAfter = after.weights.find((w) => w.name === 'patch_embed/w')!;
    expect(Array.from(embedAfter.values)).not.toEqual(Array.from(embedBefore.values));
    trainer.dispose();
  });

  it('leaves the weights untouched when both weights are 0', async () => {
    const trainer = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
    const before = await trainer.exportState();
    const [total, , bpd] = await read(trainer.trainStep(images, { ...HYPER, lambdaCon: 0, lambdaGen: 0 }));
    expect(total).toBe(0);
    expect(Number.isFinite(bpd)).toBe(true);
    const after = await trainer.exportState();
    expect(after.step).toBe(1);
    expect(after.weights.map((w) => Array.from(w.values))).toEqual(before.weights.map((w) => Array.from(w.values)));
    trainer.dispose();
  });

  it('a step reports the losses of its batch before the update: losses(), then the update', async () => {
    const trainer = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
    const seed = MICRO_TRAIN.seed;
    const parts = tf.tidy(() => {
      const { gen, con, top1 } = trainer.losses(stepImages(images, seed, 0, MICRO_MODEL.patch, { clean: true, views: true }), HYPER.tau);
      return [gen, con, top1] as tf.Scalar[];
    });
    const [gen, con, top1] = await Promise.all(parts.map(async (t) => (await t.data())[0]));
    tf.dispose(parts);
    const [total, stepCon, bpd, stepTop1] = await read(trainer.trainStep(images, HYPER));
    expect([stepCon, bpd, stepTop1]).toEqual([con, gen, top1]);
    expect(total).toBeCloseTo(HYPER.lambdaCon * con + HYPER.lambdaGen * gen, 5);
    tf.tidy(() => {
      expect(trainer.losses(stepImages(images, seed, 1, MICRO_MODEL.patch, { clean: false, views: false }), HYPER.tau)).toEqual({
        gen: null,
        con: null,
        top1: null,
      });
    });
    trainer.dispose();
  });

  it('represent and bitsPerDim return one row per image', async () => {
    const trainer = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
    const rep = trainer.represent(images);
    expect(rep.shape).toEqual([MICRO_TRAIN.batch, MICRO_MODEL.dim]);
    const bpd = trainer.bitsPerDim(images);
    expect(bpd.shape).toEqual([MICRO_TRAIN.batch]);
    tf.dispose([rep, bpd]);
    trainer.dispose();
  });

  // A twin holds the weights as they were before each step; the step's reported bits/dim must be its
  // clean view's under those weights, whether or not L_gen is on the gradient path (docs/model.md).
  for (const lambdaGen of [0, 1]) {
    it(`the reported bits/dim is the clean view's under the weights before the step (λgen = ${lambdaGen})`, async () => {
      const trainer = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
      const twin = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
      const hyper = { ...HYPER, lambdaGen, lr: 1e-2 };
      for (let step = 0; step < 3; step++) {
        twin.importState(await trainer.exportState());
        const before = tf.tidy(() => tf.mean(twin.bitsPerDim(cleanView(images, MICRO_TRAIN.seed, step))));
        const expected = (await before.data())[0];
        before.dispose();
        const [, , bpd] = await read(trainer.trainStep(images, hyper));
        expect(bpd).toBeCloseTo(expected, 5);
      }
      trainer.dispose();
      twin.dispose();
    });
  }

  it('the total is λcon·Lcon + λgen·Lgen at λ = 0.3 and 1.7, against losses computed separately', async () => {
    const trainer = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
    const twin = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
    const seed = MICRO_TRAIN.seed;
    const b = MICRO_TRAIN.batch;
    for (const [step, lambdaCon, lambdaGen] of [
      [0, 0.3, 1.7],
      [1, 1.7, 0.3],
    ]) {
      twin.importState(await trainer.exportState());
      // Separately: L_gen from bitsPerDim of the clean view, L_con from the readable ntXent over each
      // view encoded on its own (the step encodes [clean | view1 | view2] at once through the fused op).
      const parts = tf.tidy(() => {
        const gen = tf.mean(twin.bitsPerDim(cleanView(images, seed, step)));
        const views = augmentViews(images, seed, step);
        const z = (rows: tf.Tensor4D) => twin.model.project(twin.model.representation(twin.model.encode(rows), b));
        const z1 = z(tf.slice(views, [0, 0, 0, 0], [b, -1, -1, -1]));
        const z2 = z(tf.slice(views, [b, 0, 0, 0], [b, -1, -1, -1]));
        return [gen, ntXent(z1, z2, HYPER.tau).loss];
      });
      const [gen, con] = await Promise.all(parts.map(async (t) => (await t.data())[0]));
      tf.dispose(parts);
      const [total, stepCon, bpd] = await read(trainer.trainStep(images, { ...HYPER, lambdaCon, lambdaGen }));
      expect(stepCon).toBeCloseTo(con, 5);
      expect(bpd).toBeCloseTo(gen, 5);
      expect(total).toBeCloseTo(lambdaCon * con + lambdaGen * gen, 5);
    }
    trainer.dispose();
    twin.dispose();
  });
});

describe('HybridTrainer.sample', () => {
  it('draws integer pixels in 0..255 and completions keep the top half exactly', async () => {
    const trainer = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
    const s = MICRO_MODEL.imageSize;
    const before = tf.memory().numTensors;
    const free = trainer.sample(3, 1, 11);
    expect(free.shape).toEqual([3, s, s, 3]);
    const values = await free.data();
    for (const v of values) {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(255);
    }
    const again = trainer.sample(3, 1, 11);
    expect(Array.from(await again.data())).toEqual(Array.from(values)); // seeded
    const greedy = trainer.sample(3, 0, 11);
    expect(greedy.shape).toEqual([3, s, s, 3]);

    const given = fakeImages(3, s, 21);
    const grid = s / MICRO_MODEL.patch;
    const done = trainer.sample(3, 1, 12, { images: given, keepPatches: (grid * grid) / 2 });
    const top = tf.slice(done, [0, 0, 0, 0], [3, s / 2, s, 3]);
    const topGiven = tf.slice(given, [0, 0, 0, 0], [3, s / 2, s, 3]);
    expect(Array.from(await top.data())).toEqual(Array.from(await topGiven.data()));
    const bottom = Array.from(await tf.slice(done, [0, s / 2, 0, 0], [3, s / 2, s, 3]).data());
    for (const v of bottom) expect(Number.isInteger(v) && v >= 0 && v <= 255).toBe(true);
    tf.dispose([free, again, greedy, given, done, top, topGiven]);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 1); // the un-disposed bottom slice
    trainer.dispose();
  });
});
