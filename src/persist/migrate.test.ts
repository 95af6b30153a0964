import { unzipSync, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HyperParams } from '../config';
import type { NamedArray } from '../model/optimizer';
import { useCpu } from '../model/model.testing';
import { TrainingRun } from '../worker/run';
import { BundleError, decodeBundle, encodeBundle, type RunBundle } from './bundle';
import { FILES } from './bundleSchema';
import { emptyHistory, record } from './history';
import { declaredVersion, migrateToCurrent, perVariableStepCounts } from './migrate';
import { restoreRun } from '../worker/restoreRun';
import { MICRO_CONFIG, fakeSet, legacyOptimizerState, trainedBundle } from './persist.testing';
import { encodeWeights } from './weightsFormat';

beforeAll(useCpu);

const train = fakeSet(10, MICRO_CONFIG.model.imageSize, 5);
const enc = new TextEncoder();
const dec = new TextDecoder();
let saved: RunBundle;
let run: TrainingRun;
beforeAll(async () => {
  run = new TrainingRun('old', MICRO_CONFIG, train);
  saved = await trainedBundle(run, 3);
});
afterAll(() => run.dispose());

/** The bundle's files with the optimiser state as versions 1 and 2 wrote it (one update count). */
function legacyFiles(bundle: RunBundle): Record<string, Uint8Array> {
  const current = unzipSync(encodeBundle(bundle, { samples: null, embedding: null }));
  const optimizer = encodeWeights(legacyOptimizerState(bundle.trainer.optimizer), FILES.optimizerBin);
  const manifest = JSON.parse(dec.decode(current[FILES.optimizer]));
  manifest.weightsManifest = [optimizer.group];
  return { ...current, [FILES.optimizer]: enc.encode(JSON.stringify(manifest)), [FILES.optimizerBin]: optimizer.bin };
}

/** What Hybrid Lab's first export format wrote for the same run (see migrate.ts). */
function v1Bundle(): Uint8Array {
  const current = legacyFiles(saved);
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
  it('are migrated to the current version and resume exactly like the original', async () => {
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

  it('migrateToCurrent reports the version it started from and leaves version 3 alone', () => {
    const v3 = { config: { schemaVersion: 3 }, metrics: {} };
    expect(migrateToCurrent(v3)).toEqual({ files: v3, from: 3 });
    expect(migrateToCurrent({ config: { schemaVersion: 2, app: 'x' }, metrics: { schemaVersion: 2 } })).toEqual({
      files: { config: { schemaVersion: 3, app: 'x' }, metrics: { schemaVersion: 3 } },
      from: 2,
    });
    expect(declaredVersion({ version: 1 })).toBe(1);
    expect(declaredVersion('nope')).toBeNull();
    expect(declaredVersion({ schemaVersion: 1.5 })).toBeNull();
  });
});

/** λ per step of a run whose branches were switched off and on: steps 1–2 generative only, 4 contrastive only, 5 neither. */
const SCHEDULE: Partial<HyperParams>[] = [
  { lambdaCon: 0, lambdaGen: 1 },
  { lambdaCon: 0, lambdaGen: 1 },
  { lambdaCon: 1, lambdaGen: 1 },
  { lambdaCon: 1, lambdaGen: 0 },
  { lambdaCon: 0, lambdaGen: 0 },
  { lambdaCon: 1, lambdaGen: 1 },
  { lambdaCon: 1, lambdaGen: 1 },
];

/** Each variable's step count in a state, by variable name. */
function counts(state: readonly NamedArray[]): Record<string, number> {
  return Object.fromEntries(state.filter((s) => s.name.endsWith('/t')).map((s) => [s.name.slice(0, -2), s.values[0]]));
}

describe('schema version 2 bundles (one AdamW update count)', () => {
  let scheduled: TrainingRun;
  let bundle: RunBundle;
  beforeAll(async () => {
    scheduled = new TrainingRun('switched', MICRO_CONFIG, train);
    const history = emptyHistory();
    for (const hyper of SCHEDULE) {
      scheduled.setHyper(hyper);
      const report = await scheduled.trainOneStep();
      record(history, { type: 'metrics', runId: scheduled.id, step: report.step, metrics: report.metrics, hyper: report.hyper });
    }
    const checkpoint = await scheduled.exportCheckpoint();
    bundle = { ...saved, sourceRunId: 'switched', step: 7, ...checkpoint, history };
  });
  afterAll(() => scheduled.dispose());

  function v2Bundle(edit: (files: Record<string, Uint8Array>) => void = () => {}): Uint8Array {
    const files = legacyFiles(bundle);
    for (const name of [FILES.config, FILES.metrics]) {
      const value = JSON.parse(dec.decode(files[name]));
      value.schemaVersion = 2;
      files[name] = enc.encode(JSON.stringify(value));
    }
    edit(files);
    return zipSync(files as Zippable);
  }

  it('get the exact per-variable step counts back from their history, and resume exactly', async () => {
    const truth = counts(bundle.trainer.optimizer);
    // What the trainer itself counted: the branches' gradients decide, and the migration must agree.
    expect(truth['enc0/qkv/w']).toBe(6);
    expect(truth['con_fc1/w']).toBe(4);
    expect(truth['rep_ln/g']).toBe(4);
    expect(truth['dec0/fc2/b']).toBe(5);
    expect(truth['gen_head/w']).toBe(5);
    const decoded = decodeBundle(v2Bundle());
    expect(decoded.migratedFrom).toBe(2);
    expect(counts(decoded.bundle.trainer.optimizer)).toEqual(truth);
    expect(decoded.bundle.trainer.optimizer.map((s) => [s.name, Array.from(s.values)])).toEqual(
      bundle.trainer.optimizer.map((s) => [s.name, Array.from(s.values)]),
    );
    const restored = restoreRun('again', decoded.bundle, train);
    restored.setHyper({ lambdaCon: 1, lambdaGen: 1 });
    scheduled.setHyper({ lambdaCon: 1, lambdaGen: 1 });
    for (let i = 0; i < 2; i++) {
      const [a, b] = [await scheduled.trainOneStep(), await restored.trainOneStep()];
      expect([b.step, b.metrics.lossTotal, b.metrics.bitsPerDim]).toEqual([a.step, a.metrics.lossTotal, a.metrics.bitsPerDim]);
    }
    restored.dispose();
  });

  it('are refused when the update count does not fit the step', () => {
    const tooMany = v2Bundle((files) => {
      const bin = files[FILES.optimizerBin].slice();
      new DataView(bin.buffer).setFloat32(0, 8, true); // adamw/t comes first
      files[FILES.optimizerBin] = bin;
    });
    expect(() => decodeBundle(tooMany)).toThrow(/adamw\/t = 8 does not fit step 7/);
  });
});

describe('perVariableStepCounts', () => {
  const moments = (name: string): NamedArray[] => [
    { name: `${name}/m`, shape: [1], values: Float32Array.of(0.5) },
    { name: `${name}/v`, shape: [1], values: Float32Array.of(0.25) },
  ];
  const legacy: NamedArray[] = [
    { name: 'adamw/t', shape: [1], values: Float32Array.of(10) },
    ...moments('enc0/qkv/w'),
    ...moments('con_fc2/b'),
    ...moments('dec0/ln1/g'),
    ...moments('gen_head/w'),
  ];
  const row = (lambdaCon: number, lambdaGen: number) => ({ lambdaCon, lambdaGen });

  it('takes each step that skipped a branch off that branch, and nothing for steps without an update', () => {
    // 10 updates; the history shows 3 without L_con, 2 without L_gen and 1 with neither (no update).
    const history = [
      row(0, 1),
      row(0, 1),
      row(0, 1),
      row(1, 0),
      row(1, 0),
      row(0, 0),
      row(1, 1),
      row(1, 1),
      row(2, 0.5),
      row(1, 1),
      row(1, 1),
    ];
    const out = perVariableStepCounts(legacy, history);
    expect(out.map((s) => s.name)).toEqual([
      'enc0/qkv/w/m',
      'enc0/qkv/w/v',
      'enc0/qkv/w/t',
      'con_fc2/b/m',
      'con_fc2/b/v',
      'con_fc2/b/t',
      'dec0/ln1/g/m',
      'dec0/ln1/g/v',
      'dec0/ln1/g/t',
      'gen_head/w/m',
      'gen_head/w/v',
      'gen_head/w/t',
    ]);
    expect(counts(out)).toEqual({ 'enc0/qkv/w': 10, 'con_fc2/b': 7, 'dec0/ln1/g': 8, 'gen_head/w': 8 });
    expect(out[0].values).toBe(legacy[1].values); // moments pass through untouched
  });

  it('counts steps missing from the history (the steps before a fork) as updates of every variable, as version 2 did', () => {
    expect(counts(perVariableStepCounts(legacy, [row(0, 1)]))).toEqual({
      'enc0/qkv/w': 10,
      'con_fc2/b': 9,
      'dec0/ln1/g': 10,
      'gen_head/w': 10,
    });
    expect(counts(perVariableStepCounts(legacy, []))).toEqual({ 'enc0/qkv/w': 10, 'con_fc2/b': 10, 'dec0/ln1/g': 10, 'gen_head/w': 10 });
  });

  it('leaves a state that already has per-variable counts as it is', () => {
    const current = perVariableStepCounts(legacy, []);
    expect(perVariableStepCounts(current, [row(0, 1)])).toEqual(current);
  });
});
