import { unzipSync, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../model/model.testing';
import { TrainingRun } from '../worker/run';
import { BundleError, decodeBundle, encodeBundle, type RunBundle } from './bundle';
import { FILES } from './bundleSchema';
import { declaredVersion, migrateToCurrent } from './migrate';
import { restoreRun } from '../worker/restoreRun';
import { MICRO_CONFIG, fakeSet, trainedBundle } from './persist.testing';

beforeAll(useCpu);

const train = fakeSet(10, MICRO_CONFIG.model.imageSize, 5);
const enc = new TextEncoder();
let saved: RunBundle;
let run: TrainingRun;
beforeAll(async () => {
  run = new TrainingRun('old', MICRO_CONFIG, train);
  saved = await trainedBundle(run, 3);
});
afterAll(() => run.dispose());

/** What Hybrid Lab's first export format wrote for the same run (see migrate.ts). */
function v1Bundle(): Uint8Array {
  const current = unzipSync(encodeBundle(saved, { samples: null, embedding: null }));
  const { config, hyper, step, batcher, history } = saved;
  const v1Config = {
    version: 1,
    runId: 'old',
    step,
    preset: config.preset,
    model: config.model,
    train: config.train,
    hyper,
    dataOrder: { epoch: batcher.epoch, cursor: batcher.cursor },
  };
  const v1Metrics = history.metrics.map((r) => ({
    step: r.step,
    loss: r.lossTotal,
    con: r.lossCon,
    bpd: r.bitsPerDim,
    top1: r.conTop1,
    lambdaCon: r.lambdaCon,
    lambdaGen: r.lambdaGen,
    tau: r.tau,
    lr: r.lr,
  }));
  const files: Zippable = {
    [FILES.config]: enc.encode(JSON.stringify(v1Config)),
    [FILES.metrics]: enc.encode(JSON.stringify(v1Metrics)),
  };
  for (const name of [FILES.model, FILES.weights, FILES.optimizer, FILES.optimizerBin]) files[name] = current[name];
  return zipSync(files);
}

describe('schema version 1 bundles', () => {
  it('are migrated to version 2 and resume exactly like the original', async () => {
    const { bundle, migratedFrom, contents } = decodeBundle(v1Bundle());
    expect(migratedFrom).toBe(1);
    expect(bundle.step).toBe(3);
    expect(bundle.sourceRunId).toBe('old');
    expect(bundle.batcher).toEqual(saved.batcher); // v1 had no seed in its data order: train.seed
    expect(bundle.dataset).toBeNull();
    expect(contents.notes[0]).toMatch(/migrated from schema version 1/);
    expect(bundle.history.evaluations).toEqual([]);
    expect(bundle.history.metrics.map((r) => [r.step, r.lossTotal, r.lossCon, r.bitsPerDim, r.conTop1, r.lr])).toEqual(
      saved.history.metrics.map((r) => [r.step, r.lossTotal, r.lossCon, r.bitsPerDim, r.conTop1, r.lr]),
    );
    expect(bundle.history.metrics.every((r) => Number.isNaN(r.imagesPerSec))).toBe(true);
    const restored = restoreRun('new', bundle, train);
    const [a, b] = [await run.trainOneStep(), await restored.trainOneStep()];
    expect(b.step).toBe(a.step);
    expect([b.metrics.lossTotal, b.metrics.lossCon, b.metrics.bitsPerDim]).toEqual([
      a.metrics.lossTotal,
      a.metrics.lossCon,
      a.metrics.bitsPerDim,
    ]);
    restored.dispose();
  });

  it('are refused with the version-1 reason when their own fields are wrong', () => {
    const parts = unzipSync(v1Bundle());
    const config = JSON.parse(new TextDecoder().decode(parts[FILES.config]));
    delete config.dataOrder;
    parts[FILES.config] = enc.encode(JSON.stringify(config));
    expect(() => decodeBundle(zipSync(parts))).toThrow(BundleError);
    expect(() => decodeBundle(zipSync(parts))).toThrow(/^config.json \(version 1\): dataOrder/);
  });

  it('migrateToCurrent reports the version it started from and leaves version 2 alone', () => {
    const v2 = { config: { schemaVersion: 2 }, metrics: {} };
    expect(migrateToCurrent(v2)).toEqual({ files: v2, from: 2 });
    expect(declaredVersion({ version: 1 })).toBe(1);
    expect(declaredVersion('nope')).toBeNull();
    expect(declaredVersion({ schemaVersion: 1.5 })).toBeNull();
  });
});
