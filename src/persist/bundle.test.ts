import { unzipSync, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../model/model.testing';
import { TrainingRun } from '../worker/run';
import { BundleError, decodeBundle, encodeBundle, type RunBundle } from './bundle';
import { sampleResults } from '../eval/clusters.testing';
import { FILES } from './bundleSchema';
import { MICRO_CONFIG, fakeSet, trainedBundle } from './persist.testing';

beforeAll(useCpu);

const train = fakeSet(10, MICRO_CONFIG.model.imageSize, 5);
let saved: RunBundle;
let run: TrainingRun;
beforeAll(async () => {
  run = new TrainingRun('run-7', { ...MICRO_CONFIG, hyper: { ...MICRO_CONFIG.hyper, lambdaCon: 0 } }, train);
  saved = await trainedBundle(run, 2); // λcon = 0: the contrastive columns are NaN and must survive JSON
  run.setHyper({ lambdaCon: 1 });
  for (let i = 0; i < 2; i++) {
    const report = await run.trainOneStep();
    saved.history.metrics.push({ step: report.step, ...report.metrics, ...report.hyper });
  }
  const checkpoint = await run.exportCheckpoint();
  saved = { ...saved, step: run.step, trainer: checkpoint.trainer, batcher: checkpoint.batcher, hyper: checkpoint.hyper };
});
afterAll(() => run.dispose());

const enc = new TextEncoder();
const dec = new TextDecoder();

function files(): Record<string, Uint8Array> {
  return unzipSync(encodeBundle(saved, { samples: null, embedding: null }));
}

function rezip(parts: Record<string, Uint8Array>): Uint8Array {
  return zipSync(parts as Zippable);
}

// The edits reach arbitrary paths of parsed JSON: typing them would only restate each test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function editJson(parts: Record<string, Uint8Array>, name: string, edit: (value: Record<string, any>) => void): Record<string, Uint8Array> {
  const value = JSON.parse(dec.decode(parts[name]));
  edit(value);
  return { ...parts, [name]: enc.encode(JSON.stringify(value)) };
}

function refusal(bytes: Uint8Array): string {
  try {
    decodeBundle(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(BundleError);
    return (error as Error).message;
  }
  throw new Error('the bundle was accepted');
}

describe('run bundle', () => {
  it('round-trips config, history (NaN included), weights, optimizer state and data position', () => {
    const { bundle, migratedFrom, contents } = decodeBundle(encodeBundle(saved, { samples: null, embedding: null }));
    expect(migratedFrom).toBeNull();
    expect(bundle.step).toBe(4);
    expect(bundle.config).toEqual(saved.config);
    expect(bundle.hyper).toEqual({ ...MICRO_CONFIG.hyper, lambdaCon: 1 });
    expect(bundle.batcher).toEqual(saved.batcher);
    expect(bundle.history).toEqual(saved.history);
    expect(Number.isNaN(bundle.history.metrics[0].lossCon)).toBe(true);
    expect(bundle.trainer.weights.map((w) => [w.name, w.shape, Array.from(w.values)])).toEqual(
      saved.trainer.weights.map((w) => [w.name, w.shape, Array.from(w.values)]),
    );
    expect(bundle.trainer.optimizer.map((w) => Array.from(w.values))).toEqual(saved.trainer.optimizer.map((w) => Array.from(w.values)));
    expect(contents.samples).toBe(false);
    expect(contents.notes.join(' ')).toMatch(/no samples/);
  });

  it('holds the tfjs weights format, metrics as CSV, and samples as PNG and the embedding as CSV when given', () => {
    const size = MICRO_CONFIG.model.imageSize;
    const grid = {
      size,
      temperature: 1,
      unconditional: new Uint8Array(2 * size * size * 3).fill(7),
      unconditionalCount: 2,
      completions: new Uint8Array(0),
      completionCount: 0,
      keptRows: 4,
      completionSources: new Int32Array(0),
      ms: 1,
    };
    const embedding = {
      frame: {
        method: 'pca' as const,
        coords: Float32Array.of(0.5, -1, 2, 3),
        oodCoords: new Float32Array(0),
        explained: [0.5, 0.2],
        ms: 1,
      },
      probe: { labels: Int32Array.of(0, 1), indices: Int32Array.of(4, 9), classNames: ['cat', '=dog'] },
    };
    const parts = unzipSync(encodeBundle(saved, { samples: grid, embedding }));
    const model = JSON.parse(dec.decode(parts[FILES.model]));
    expect(model.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(model.weightsManifest[0].weights[0]).toEqual({ name: 'patch_embed/w', shape: [48, 16], dtype: 'float32' });
    const csv = dec.decode(parts[FILES.metricsCsv]).trim().split('\n');
    expect(csv[0]).toBe('step,lossTotal,lossCon,bitsPerDim,conTop1,imagesPerSec,msPerStep,lambdaCon,lambdaGen,tau,lr');
    expect(csv).toHaveLength(5);
    expect(csv[1].split(',')[2]).toBe(''); // NaN contrastive loss: an empty cell
    expect(Array.from(parts[FILES.samplesUnconditional].subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(parts[FILES.samplesCompletions]).toBeUndefined();
    expect(dec.decode(parts[FILES.embedding])).toBe(
      "set,index,testIndex,label,class,pca1,pca2\nprobe,0,4,0,cat,0.5,-1\nprobe,1,9,1,'=dog,2,3\n",
    );
    const config = JSON.parse(dec.decode(parts[FILES.config]));
    expect(config.contents).toMatchObject({ samples: true, embedding: true });
  });
});

describe('evaluations in a bundle', () => {
  it("keep how the probe's fit ended; records from before that read as they were shown", () => {
    const stalled = { iterations: 14, converged: false, stop: 'stalled' as const, gradient: 3e-5 };
    const withEvals = { ...saved, history: { ...saved.history, evaluations: [{ step: 2, results: sampleResults({ probe: stalled }) }] } };
    const parts = unzipSync(encodeBundle(withEvals, { samples: null, embedding: null }));
    expect(decodeBundle(encodeBundle(withEvals, { samples: null, embedding: null })).bundle.history.evaluations[0].results.probe).toEqual(
      stalled,
    );
    const csv = dec.decode(parts[FILES.evaluationsCsv]).trim().split('\n');
    expect(csv[0].split(',').at(-1)).toBe('probeStop');
    expect(csv[1].split(',').at(-1)).toBe('stalled');
    // Written before the stop was recorded: `converged` alone.
    const old = (converged: boolean) =>
      editJson(parts, FILES.metrics, (m) => (m.evaluations[0].results.probe = { iterations: 14, converged }));
    const probeOf = (files: Record<string, Uint8Array>) => decodeBundle(rezip(files)).bundle.history.evaluations[0].results.probe;
    expect(probeOf(old(true))).toEqual({ iterations: 14, converged: true, stop: 'converged', gradient: null });
    expect(probeOf(old(false))).toEqual({ iterations: 14, converged: false, stop: 'iterationCap', gradient: null });
    // `converged` follows the stop, whatever the file says.
    const contradicting = editJson(parts, FILES.metrics, (m) => (m.evaluations[0].results.probe.converged = true));
    expect(probeOf(contradicting)).toEqual(stalled);
  });
});

describe('a malformed bundle is refused with its reason', () => {
  it('not a zip', () => {
    expect(refusal(enc.encode('hello, this is not a zip'))).toMatch(/not a zip/);
    expect(refusal(new Uint8Array(0))).toMatch(/not a zip/);
  });

  it('a damaged zip', () => {
    const bytes = encodeBundle(saved, { samples: null, embedding: null });
    expect(refusal(bytes.slice(0, Math.floor(bytes.length / 2)))).toMatch(/damaged|not a readable zip|missing/);
  });

  it('a missing file', () => {
    const { [FILES.weights]: _dropped, ...rest } = files();
    expect(refusal(rezip(rest))).toBe('weights.bin is missing from the bundle');
    const { [FILES.config]: _config, ...noConfig } = files();
    expect(refusal(rezip(noConfig))).toBe('config.json is missing from the bundle');
  });

  it('a wrong or unknown schema version', () => {
    expect(refusal(rezip(editJson(files(), FILES.config, (c) => (c.schemaVersion = 4))))).toMatch(/schema version 4 is newer/);
    expect(refusal(rezip(editJson(files(), FILES.config, (c) => (c.schemaVersion = 0))))).toMatch(
      /version 0 is not one Hybrid Lab ever wrote/,
    );
    expect(refusal(rezip(editJson(files(), FILES.config, (c) => delete c.schemaVersion)))).toMatch(/declares no schema version/);
    expect(refusal(rezip(editJson(files(), FILES.metrics, (m) => (m.schemaVersion = 1))))).toMatch(/^metrics.json: schemaVersion/);
  });

  it('wrong tensor sizes', () => {
    const reshaped = editJson(files(), FILES.model, (m) => (m.weightsManifest[0].weights[0].shape = [48, 17]));
    expect(refusal(rezip(reshaped))).toBe('model.json: patch_embed/w has shape [48,17], the model needs [48,16]');
    const parts = files();
    expect(refusal(rezip({ ...parts, [FILES.weights]: parts[FILES.weights].slice(0, -4) }))).toMatch(
      /weights.bin|binary file has \d+ bytes/,
    );
    const renamed = editJson(files(), FILES.optimizer, (m) => (m.weightsManifest[0].weights[1].name = 'evil'));
    expect(refusal(rezip(renamed))).toMatch(/^optimizer.json: tensor 1 is "evil"/);
    // The architecture in config.json is what the tensors are checked against.
    const wider = editJson(
      editJson(files(), FILES.config, (c) => (c.run.config.model.dim = 32)),
      FILES.model,
      (m) => (m.modelTopology.config.dim = 32),
    );
    expect(refusal(rezip(wider))).toMatch(/shape \[48,16\], the model needs \[48,32\]/);
  });

  it('hostile or inconsistent values', () => {
    expect(refusal(rezip(editJson(files(), FILES.config, (c) => (c.run.config.model.dim = 1e6))))).toMatch(
      /^config.json: run.config.model.dim: Too big/,
    );
    expect(refusal(rezip(editJson(files(), FILES.config, (c) => (c.run.config.model.heads = 3))))).toMatch(/not a multiple of 3 heads/);
    expect(refusal(rezip(editJson(files(), FILES.config, (c) => (c.run.step = 2))))).toMatch(
      /optimizer.json is at step 4 but config.json at step 2/,
    );
    expect(refusal(rezip(editJson(files(), FILES.model, (m) => (m.modelTopology.config.dim = 32))))).toMatch(/different architecture/);
    expect(refusal(rezip(editJson(files(), FILES.metrics, (m) => m.metrics.reverse())))).toMatch(/out of order/);
    expect(refusal(rezip({ ...files(), [FILES.metrics]: enc.encode('{"schemaVersion": 3, ') }))).toMatch(/^metrics.json is not valid JSON/);
    const nan = files();
    const weights = nan[FILES.weights].slice();
    new DataView(weights.buffer).setFloat32(8, Number.NaN, true);
    expect(refusal(rezip({ ...nan, [FILES.weights]: weights }))).toMatch(/non-finite value/);
  });
});
