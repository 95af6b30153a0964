import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../model/model.testing';
import { decodeBundle, encodeBundle } from '../persist/bundle';
import { FILES } from '../persist/bundleSchema';
import { CHECK_SET_FORMAT, type CheckSet } from '../persist/checkSetFile';
import { fakeSet, trainedBundle, MICRO_CONFIG } from '../persist/persist.testing';
import { computeCheckSet } from './checkSet';
import { TrainingRun } from './run';

beforeAll(useCpu);

const train = fakeSet(10, MICRO_CONFIG.model.imageSize, 5);
const test = fakeSet(6, MICRO_CONFIG.model.imageSize, 9);
const hyper = { lambdaCon: 0.7, lambdaGen: 1.3, tau: 0.3, lr: 3e-3 };
let run: TrainingRun;
let checkSet: CheckSet;
beforeAll(async () => {
  run = new TrainingRun('run-1', { ...MICRO_CONFIG, hyper }, train);
  for (let i = 0; i < 3; i++) await run.trainOneStep(); // 12 images of 10: into the second epoch
  const checkpoint = await run.exportCheckpoint();
  checkSet = await computeCheckSet({ ...checkpoint, config: run.config, train, test });
});
afterAll(() => run.dispose());

const relClose = (actual: number, expected: number, rel: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));

describe('check set', () => {
  it("holds the losses the run's next training step reports, for the batch that step trains on", async () => {
    expect(checkSet.step).toBe(3);
    const { step, metrics } = await run.trainOneStep();
    expect(step).toBe(4);
    relClose(checkSet.losses.con, metrics.lossCon, 1e-5);
    relClose(checkSet.losses.genBitsPerDim, metrics.bitsPerDim, 1e-5);
    relClose(checkSet.losses.total, metrics.lossTotal, 1e-5);
    expect(checkSet.losses.conTop1).toBe(metrics.conTop1);
    expect(checkSet.batcher).toEqual({ seed: 7, epoch: 1, cursor: 2 });
    expect(new Set(checkSet.batchIndices).size).toBe(4);
  });

  it('holds the documented tensors with their shapes, and the batch images are the dataset images at batchIndices', () => {
    const shapes = Object.fromEntries(checkSet.tensors.map((t) => [t.name, t.shape]));
    expect(shapes).toEqual({
      'test/images': [6, 8, 8, 3],
      'test/bitsPerDim': [6],
      'test/representation': [6, 16],
      'batch/images': [4, 8, 8, 3],
      'batch/clean': [4, 8, 8, 3],
      'batch/views': [8, 8, 8, 3],
    });
    const per = 8 * 8 * 3;
    const images = checkSet.tensors.find((t) => t.name === 'batch/images')!.values;
    checkSet.batchIndices.forEach((index, k) =>
      expect(Array.from(images.subarray(k * per, (k + 1) * per))).toEqual(
        Array.from(train.pixels.subarray(index * per, (index + 1) * per)),
      ),
    );
    expect(checkSet.testIndices.slice().sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('travels in the bundle as checkset.json + checkset.bin, listed in contents, and import still reads the bundle', async () => {
    const bundle = await trainedBundle(new TrainingRun('run-2', MICRO_CONFIG, train), 1);
    const bytes = encodeBundle(bundle, { samples: null, embedding: null, checkSet });
    const files = unzipSync(bytes);
    const json = JSON.parse(new TextDecoder().decode(files[FILES.checkSet]));
    expect(json.format).toBe(CHECK_SET_FORMAT);
    expect(json.losses).toEqual(checkSet.losses);
    expect(json.weightsManifest[0].paths).toEqual([FILES.checkSetBin]);
    expect(files[FILES.checkSetBin].length).toBe(checkSet.tensors.reduce((n, t) => n + t.values.length * 4, 0));
    expect(decodeBundle(bytes).contents.checkSet).toBe(true);
    const without = decodeBundle(encodeBundle(bundle, { samples: null, embedding: null }));
    expect(without.contents.checkSet).toBe(false);
    expect(without.contents.notes.join(' ')).toContain('no check set');
  });
});
