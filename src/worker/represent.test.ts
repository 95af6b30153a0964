import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { HybridTrainer } from '../model/trainer';
import { MICRO_MODEL, MICRO_TRAIN, useCpu } from '../model/model.testing';
import { representAll } from './represent';
import { randomImageSet } from './views.testing';

beforeAll(useCpu);

describe('representAll', () => {
  it('matches one big represent() batch whatever the chunk size (the padded last chunk is dropped)', async () => {
    const trainer = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
    const set = randomImageSet(11, MICRO_MODEL.imageSize, 4);
    const s = MICRO_MODEL.imageSize;
    const whole = trainer.represent(tf.tensor4d(Float32Array.from(set.pixels), [11, s, s, 3]));
    const expected = Array.from(await whole.data());
    whole.dispose();
    const before = tf.memory().numTensors;
    for (const chunk of [1, 4, 11, 16]) {
      const { features, dim } = await representAll(trainer, set, chunk);
      expect(dim).toBe(MICRO_MODEL.dim);
      expect(features.length).toBe(11 * dim);
      features.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    }
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });
});
