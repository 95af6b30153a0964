// Smoke test on the WASM backend (the CPU fallback in browsers): every kernel the model uses exists
// there and a step, evaluation and sampling run without leaks. Exact values are tested on 'cpu'.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, expect, it } from 'vitest';
import { HybridTrainer } from './trainer';
import { MICRO_MODEL, MICRO_TRAIN, fakeImages } from './model.testing';

beforeAll(async () => {
  setWasmPaths(path.resolve(__dirname, '../../node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  await tf.setBackend('wasm');
  await tf.ready();
});

it('trains, evaluates and samples on wasm', async () => {
  expect(tf.getBackend()).toBe('wasm');
  const trainer = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
  const images = fakeImages(MICRO_TRAIN.batch, MICRO_MODEL.imageSize, 3);
  const hyper = { lambdaCon: 1, lambdaGen: 1, tau: 0.2, lr: 1e-3 };
  const counts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const out = trainer.trainStep(images, hyper);
    const values = await Promise.all(Object.values(out).map((t) => t.data()));
    for (const v of values) expect(Number.isFinite(v[0])).toBe(true);
    tf.dispose(Object.values(out));
    counts.push(tf.memory().numTensors);
  }
  expect(new Set(counts).size).toBe(1);
  const bpd = trainer.bitsPerDim(images);
  const rep = trainer.represent(images);
  const prefix = tf.slice(images, 0, 2) as tf.Tensor4D;
  const samples = trainer.sample(2, 1, 5, { images: prefix, keepPatches: 2 });
  expect(samples.shape).toEqual([2, MICRO_MODEL.imageSize, MICRO_MODEL.imageSize, 3]);
  for (const v of await samples.data()) expect(Number.isInteger(v) && v >= 0 && v <= 255).toBe(true);
  tf.dispose([bpd, rep, samples, images, prefix]);
  trainer.dispose();
});
