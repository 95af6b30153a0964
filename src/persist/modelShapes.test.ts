import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../config';
import { createParams } from '../model/params';
import { MICRO_MODEL, useCpu } from '../model/model.testing';
import { expectedWeightShapes, parameterCount } from './modelShapes';

beforeAll(useCpu);

describe('expectedWeightShapes', () => {
  it.each([
    ['micro', MICRO_MODEL],
    ['tiny', { ...PRESETS.tiny }],
    ['large, no decoder', { ...PRESETS.large, decLayers: 0 }],
  ])('lists exactly the variables createParams makes (%s)', (_name, model) => {
    const { list } = createParams(model, 1);
    expect(expectedWeightShapes(model)).toEqual(list.map(({ name, variable }) => ({ name, shape: variable.shape })));
    expect(parameterCount(model)).toBe(list.reduce((n, v) => n + v.variable.size, 0));
    tf.dispose(list.map((v) => v.variable));
  });
});
