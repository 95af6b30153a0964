// Computes a run's check set at export (src/persist/checkSetFile.ts, docs/run-bundle.md): per-image
// bits/dim and r(x) of a few seeded test images, and the losses of the batch the run would train on
// next, with the views of that step. It builds its own trainer from the captured state, so the values
// belong to exactly the exported step whatever the run does meanwhile, and the run is not touched.

import * as tf from '@tensorflow/tfjs';
import type { HyperParams, RunConfig } from '../config';
import { Batcher, type BatcherState } from '../data/batcher';
import type { ImageSet } from '../data/store';
import { augmentViews, cleanView } from '../model/augment';
import { contrastiveLoss } from '../model/contrastive';
import { natsToBitsPerDim } from '../model/losses';
import { patchify } from '../model/model';
import { copyOf, type NamedArray } from '../model/optimizer';
import { HybridTrainer, type TrainerState } from '../model/trainer';
import type { CheckSet } from '../persist/checkSetFile';
import { mixSeed, seededPermutation } from '../random';
import { deviceLock } from './deviceLock';

/** Test images in a check set: enough to catch a per-image difference, few enough to stay small. */
export const CHECK_SET_TEST_IMAGES = 8;
const TEST_STREAM = 0xc4ec5e7;

export interface CheckSetInput {
  config: RunConfig;
  trainer: TrainerState;
  batcher: BatcherState;
  hyper: HyperParams;
  train: ImageSet;
  /** Held-out images; when empty, the test images come from `train`. */
  test: ImageSet;
}

function imagesOf(set: ImageSet, indices: ArrayLike<number>): Uint8Array {
  const per = set.size * set.size * 3;
  const out = new Uint8Array(indices.length * per);
  Array.from(indices).forEach((index, k) => out.set(set.pixels.subarray(index * per, (index + 1) * per), k * per));
  return out;
}

export function computeCheckSet(input: CheckSetInput): Promise<CheckSet> {
  return deviceLock.run(async () => {
    const trainer = new HybridTrainer(input.config.model, input.config.train);
    try {
      trainer.importState(input.trainer);
      return await evaluate(trainer, input, input.test.count > 0 ? input.test : input.train);
    } finally {
      trainer.dispose();
    }
  });
}

async function evaluate(trainer: HybridTrainer, input: CheckSetInput, held: ImageSet): Promise<CheckSet> {
  const { config, hyper } = input;
  const { seed, batch } = config.train;
  const size = config.model.imageSize;
  const step = trainer.step;
  const model = trainer.model;
  const batcher = new Batcher(input.train, batch, seed);
  batcher.setState(input.batcher);
  const next = batcher.next();
  const testIndices = Array.from(seededPermutation(held.count, mixSeed(seed, TEST_STREAM)).subarray(0, CHECK_SET_TEST_IMAGES));
  const outputs = tf.tidy(() => {
    const pixels = (bytes: Uint8Array, n: number) => tf.tensor4d(bytes, [n, size, size, 3], 'int32').toFloat() as tf.Tensor4D;
    const test = pixels(imagesOf(held, testIndices), testIndices.length);
    const images = pixels(next.pixels, batch);
    const clean = cleanView(images, seed, step);
    const views = augmentViews(images, seed, step);
    const nats = model.nllNats(model.decode(model.encode(clean), batch), patchify(clean, model.dims));
    const { repNorm, headFc1: fc1, headFc2: fc2 } = model.params;
    const con = contrastiveLoss(model.encode(views), { repNorm, fc1, fc2 }, 2 * batch, model.dims.tokens, hyper.tau);
    return {
      testImages: test,
      testBitsPerDim: trainer.bitsPerDim(test),
      testRepresentation: trainer.represent(test),
      images,
      clean,
      views,
      gen: natsToBitsPerDim(tf.mean(nats), model.subPixels),
      con: con.loss,
      conTop1: con.positiveTop1,
    };
  });
  try {
    const read = async (name: string, t: tf.Tensor): Promise<NamedArray> => ({
      name,
      shape: t.shape.slice(),
      values: copyOf(await t.data()),
    });
    const tensors = [
      await read('test/images', outputs.testImages),
      await read('test/bitsPerDim', outputs.testBitsPerDim),
      await read('test/representation', outputs.testRepresentation),
      await read('batch/images', outputs.images),
      await read('batch/clean', outputs.clean),
      await read('batch/views', outputs.views),
    ];
    const [gen, con, conTop1] = [(await outputs.gen.data())[0], (await outputs.con.data())[0], (await outputs.conTop1.data())[0]];
    return {
      step,
      seed,
      hyper: { ...hyper },
      backend: tf.getBackend(),
      batcher: { ...input.batcher },
      batchIndices: Array.from(next.indices),
      testIndices,
      losses: { con, conTop1, genBitsPerDim: gen, total: hyper.lambdaCon * con + hyper.lambdaGen * gen },
      tensors,
    };
  } finally {
    tf.dispose(Object.values(outputs));
  }
}
