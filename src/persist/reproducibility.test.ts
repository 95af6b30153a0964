// Reproducibility: every random choice of a run (initial weights, data order, augmentations)
// comes from config.train.seed, so the same seed and backend give the same losses, and the seed is in
// the URL whenever it is not the default.
import { beforeAll, describe, expect, it } from 'vitest';
import { configFromUrl, configToUrl, type RunConfig } from '../config';
import { Batcher } from '../data/batcher';
import { drawViewParams } from '../model/augment';
import { useCpu } from '../model/model.testing';
import { TrainingRun } from '../worker/run';
import { MICRO_CONFIG, fakeSet } from './persist.testing';

beforeAll(useCpu);

const train = fakeSet(10, MICRO_CONFIG.model.imageSize, 5);
const withSeed = (seed: number): RunConfig => ({ ...MICRO_CONFIG, train: { ...MICRO_CONFIG.train, seed } });

async function losses(config: RunConfig, steps: number): Promise<{ losses: number[][]; weights: number[] }> {
  const run = new TrainingRun('r', config, train);
  const weights = Array.from((await run.exportCheckpoint()).trainer.weights[0].values);
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    const { metrics } = await run.trainOneStep();
    out.push([metrics.lossTotal, metrics.lossCon, metrics.bitsPerDim, metrics.conTop1]);
  }
  run.dispose();
  return { losses: out, weights };
}

describe('the train seed', () => {
  it('gives identical losses for the same seed on the same backend, and other losses for another seed', async () => {
    const [a, b, c] = [await losses(withSeed(11), 3), await losses(withSeed(11), 3), await losses(withSeed(12), 3)];
    expect(b).toEqual(a);
    expect(c.losses[0]).not.toEqual(a.losses[0]);
  });

  it('decides the initial weights, the data order and the augmentations, each on its own', async () => {
    const [a, c] = [await losses(withSeed(11), 0), await losses(withSeed(12), 0)];
    expect(c.weights).not.toEqual(a.weights);
    const order = (seed: number) => Array.from(new Batcher(train, 4, seed).next().indices);
    expect(order(11)).toEqual(order(11));
    expect(order(12)).not.toEqual(order(11));
    const views = (seed: number) => JSON.stringify(drawViewParams(4, 2, seed, 0));
    expect(views(11)).toEqual(views(11));
    expect(views(12)).not.toEqual(views(11));
    // TrainingRun wires the data order to config.train.seed (the model and the trainer take it too).
    const run = new TrainingRun('r', withSeed(11), train);
    expect((await run.exportCheckpoint()).batcher.seed).toBe(11);
    run.dispose();
  });

  it('goes into the URL when it is not the default, and comes back from it', () => {
    const config = { ...configFromUrl('?preset=tiny'), train: { ...configFromUrl('?preset=tiny').train, seed: 1234 } };
    const url = configToUrl(config, 'small');
    expect(url).toContain('seed=1234');
    expect(configFromUrl(url, 'small').train.seed).toBe(1234);
  });
});
