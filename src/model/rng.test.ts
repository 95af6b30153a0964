// Pins the seeded host randomness to known values. The PyTorch companion reproduces the same streams
// (python/hybridlab/seeding.py, augment.py) and its tests assert these same numbers
// (python/tests/test_seeding.py), so a change here must change both, or runs stop matching.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { permutation } from '../data/batcher';
import { mixSeed, mulberry32 } from '../random';
import { cleanView, drawViewParams } from './augment';
import { Rng, hashSeed } from './rng';
import { useCpu } from './model.testing';

beforeAll(useCpu);

describe('seeded randomness shared with python/hybridlab', () => {
  it('hashSeed, Rng and mixSeed give the known values', () => {
    expect([hashSeed(1, 2, 3), hashSeed(4294967295, 0), hashSeed(...Array.from('enc0/qkv/w', (c) => c.charCodeAt(0)))]).toEqual([
      3906383291, 550869090, 3698740686,
    ]);
    const rng = new Rng(hashSeed(7, 3, 0x5eed01));
    expect([rng.next(), rng.next(), rng.normal()]).toEqual([0.5859227229375392, 0.44030007580295205, 0.39419875320311387]);
    expect(mixSeed(1, 0)).toBe(2556643648);
    expect([mulberry32(mixSeed(1, 0))(), mulberry32(12345)()]).toEqual([0.12761708442121744, 0.9797282677609473]);
  });

  it('the epoch permutation, the view parameters and the clean flips give the known values', () => {
    expect(Array.from(permutation(10, 1, 2))).toEqual([2, 8, 4, 1, 5, 3, 6, 9, 7, 0]);
    const p = drawViewParams(2, 2, 7, 3);
    expect(Array.from(p.boxes.subarray(12, 16))).toEqual([0.2736395001411438, 0.6587153077125549, 0.9948313236236572, 0.10140924155712128]);
    expect(p.pixelMatrix[0]).toBe(0.7695315480232239);
    // Image i of 8 flipped or not: an image whose columns all differ shows which.
    const images = tf.tile(tf.reshape(tf.range(0, 4, 1, 'float32'), [1, 1, 4, 1]), [8, 4, 1, 3]) as tf.Tensor4D;
    const firstColumn = cleanView(images, 7, 3).slice([0, 0, 0, 0], [8, 1, 1, 1]).dataSync();
    expect(Array.from(firstColumn, (v) => (v === 3 ? 1 : 0))).toEqual([1, 1, 0, 0, 1, 1, 0, 1]);
  });
});
