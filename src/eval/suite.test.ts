import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageSet } from '../data/store';
import { HybridTrainer } from '../model/trainer';
import { MICRO_MODEL, MICRO_TRAIN, useCpu } from '../model/model.testing';
import { DEFAULT_EVAL_SETTINGS, type EvalProgress, type EvalSettings, type OodSetInfo } from './evalTypes';
import { chunkSizeFor, runModelPasses, type EvaluableModel } from './modelPasses';
import { buildOodParts } from './oodSet';
import { gaussian, mulberry32 } from '../random';
import { CORRUPTION_GRID, runEvalSuite, type SuiteInput } from './suite';

beforeAll(useCpu);

const SIZE = 4;
const INFO: OodSetInfo = { name: 'bright squares', origin: 'builtin', state: 'ready', imageCount: 100, skipped: 0, error: null };

/**
 * Images of class c have channel c bright (200) and the others dark (30), plus seeded noise; label -1
 * everywhere when `labelled` is false.
 */
function colourClasses(count: number, seed: number, labelled = true): ImageSet {
  const normal = gaussian(mulberry32(seed));
  const per = SIZE * SIZE * 3;
  const pixels = new Uint8Array(count * per);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % 3;
    labels[i] = labelled ? c : -1;
    for (let p = 0; p < SIZE * SIZE; p++) {
      for (let ch = 0; ch < 3; ch++) pixels[i * per + p * 3 + ch] = Math.round((ch === c ? 200 : 30) + 10 * normal());
    }
  }
  return { size: SIZE, count, pixels, labels };
}

function flat(count: number, value: number): ImageSet {
  return { size: SIZE, count, pixels: new Uint8Array(count * SIZE * SIZE * 3).fill(value), labels: new Int32Array(count).fill(-1) };
}

/**
 * A model whose answers are known: r(x) = per-channel mean / 255 (classes are its colours) and
 * bits/dim = 8 × mean brightness / 255 (brighter = "less likely").
 */
const colourModel: EvaluableModel = {
  represent: (images) => tf.tidy(() => tf.div(tf.mean(images, [1, 2]), 255) as tf.Tensor2D),
  bitsPerDim: (images) => tf.tidy(() => tf.mul(tf.div(tf.mean(images, [1, 2, 3]), 255), 8) as tf.Tensor1D),
};

function input(overrides: Partial<SuiteInput> = {}, settings: Partial<EvalSettings> = {}): SuiteInput {
  const s = { ...DEFAULT_EVAL_SETTINGS, trainSubset: 90, testSubset: 45, oodSubset: 50, ...settings };
  return {
    model: colourModel,
    train: colourClasses(120, 1),
    test: colourClasses(60, 2),
    numClasses: 3,
    oodParts: buildOodParts({ name: 'bright squares', set: flat(100, 250) }, s, SIZE),
    oodInfo: INFO,
    settings: s,
    chunkSize: 16,
    ...overrides,
  };
}

describe('runEvalSuite with a model of known answers', () => {
  it('separable colours: probe and kNN perfect, bright OOD images detected by both scores', async () => {
    const r = await runEvalSuite(input());
    expect(r.linearAcc).toBe(1);
    expect(r.knnAcc).toBe(1);
    expect(r.sizes).toEqual({ train: 90, test: 45, ood: 50, labelledTrain: 90, labelledTest: 45 });
    const letters = r.oodParts.find((p) => p.name === 'bright squares');
    expect(letters?.aurocBpd).toBe(1);
    expect(letters?.aurocFeature).toBe(1);
    // Mean brightness of a test image is (200+30+30)/3 ≈ 87: 8·87/255 ≈ 2.72 bits/dim.
    expect(r.testBpd).toBeCloseTo((8 * 260) / 3 / 255, 1);
    expect(r.corruptions).toHaveLength(25);
    for (const v of [r.oodAurocBpd, r.oodAurocFeature, r.corruptionAcc, r.ece]) {
      expect(v).not.toBeNull();
      expect(v as number).toBeGreaterThanOrEqual(0);
      expect(v as number).toBeLessThanOrEqual(1);
    }
    expect(r.corruptionRatio).toBeCloseTo((r.corruptionAcc as number) / 1, 12);
    expect(r.needsLabels).toBeNull();
    expect(r.ood).toEqual(INFO);
  });

  it('corruptions the features cannot see leave accuracy at the clean value', async () => {
    // CIFAR-10-C contrast pulls pixels towards each channel's mean, which is exactly what r(x) reads.
    const r = await runEvalSuite(input());
    for (const c of r.corruptions.filter((c) => c.kind === 'contrast')) expect(c.accuracy).toBe(r.linearAcc);
  });

  it('unlabelled data: label-needing evaluations say so, the others still run', async () => {
    const r = await runEvalSuite(input({ train: colourClasses(120, 1, false), test: colourClasses(60, 2, false) }));
    expect(r.needsLabels).toMatch(/needs labels/);
    for (const v of [r.linearAcc, r.knnAcc, r.corruptionAcc, r.corruptionRatio, r.ece]) expect(v).toBeNull();
    expect(r.corruptions).toEqual([]);
    expect(r.oodAurocBpd).toBeGreaterThan(0.5);
    expect(r.testBpd).toBeGreaterThan(0);
  });

  it('is the same whatever the chunk size (padding rows never leak into results)', async () => {
    const a = await runEvalSuite(input({ chunkSize: 7 }));
    const b = await runEvalSuite(input({ chunkSize: 64 }));
    const strip = (r: typeof a) => ({ ...r, seconds: 0 });
    expect(strip(b)).toEqual(strip(a));
  });

  it('reports monotone progress ending at its total, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const seen: EvalProgress[] = [];
    await runEvalSuite(input(), { onProgress: (p) => seen.push(p) });
    expect(tf.memory().numTensors).toBe(before);
    const phases = new Set(seen.map((p) => p.phase));
    for (const phase of ['train features', 'linear probe', 'kNN', 'OOD scores']) expect(phases).toContain(phase);
    for (let i = 1; i < seen.length; i++) expect(seen[i].done).toBeGreaterThanOrEqual(seen[i - 1].done);
    const last = seen[seen.length - 1];
    expect(last.done).toBe(last.total);
  });

  it('stops with an AbortError when cancelled, and still leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = runEvalSuite(input(), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase.startsWith('test')) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('runModelPasses', () => {
  it('corrupted features follow the corruption: contrast keeps channel means, brightness raises them', async () => {
    const set = colourClasses(10, 3);
    const specs = CORRUPTION_GRID.filter((c) => c.severity === 5 && (c.kind === 'brightness' || c.kind === 'contrast'));
    expect(specs.map((s) => s.kind)).toEqual(['contrast', 'brightness']);
    // Collected chunk by chunk (chunks of 4: rows 0-3, 4-7, 8-9) into one matrix per corruption.
    const corrupted = specs.map(() => new Float32Array(10 * 3));
    const starts: number[] = [];
    const onCorrupted = (k: number, start: number, features: Float32Array) => {
      if (k === 0) starts.push(start);
      corrupted[k].set(features, start * 3);
    };
    const out = await runModelPasses(colourModel, set, { bitsPerDim: true, corruptions: specs, seed: 1, onCorrupted }, { chunkSize: 4 });
    expect(starts).toEqual([0, 4, 8]);
    expect(out.d).toBe(3);
    expect(out.bitsPerDim).toHaveLength(10);
    out.features.forEach((v, i) => expect(corrupted[0][i]).toBeCloseTo(v, 5));
    out.features.forEach((v, i) => expect(corrupted[1][i]).toBeGreaterThan(v));
  });

  it('chunk sizes shrink as the token count grows', () => {
    expect(chunkSizeFor(17)).toBe(256);
    expect(chunkSizeFor(65)).toBe(64);
    expect(chunkSizeFor(257)).toBe(16);
  });
});

describe('runEvalSuite on a real (micro) HybridTrainer', () => {
  it('every number lands in its range and no tensor leaks', async () => {
    const trainer = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
    const size = MICRO_MODEL.imageSize;
    const settings = { ...DEFAULT_EVAL_SETTINGS, trainSubset: 40, testSubset: 20, oodSubset: 20 };
    const noise = (count: number, seed: number, labelled: boolean): ImageSet => {
      const random = mulberry32(seed);
      const pixels = Uint8Array.from({ length: count * size * size * 3 }, () => Math.floor(random() * 256));
      return { size, count, pixels, labels: Int32Array.from({ length: count }, (_, i) => (labelled ? i % 2 : -1)) };
    };
    const before = tf.memory().numTensors;
    const r = await runEvalSuite({
      model: trainer,
      train: noise(40, 1, true),
      test: noise(20, 2, true),
      numClasses: 2,
      oodParts: buildOodParts(null, settings, size),
      oodInfo: { name: 'none', origin: 'builtin', state: 'failed', imageCount: null, skipped: 0, error: 'test: no natural set' },
      settings,
      chunkSize: chunkSizeFor(trainer.model.dims.tokens),
    });
    expect(tf.memory().numTensors).toBe(before);
    for (const v of [r.linearAcc, r.knnAcc, r.oodAurocBpd, r.oodAurocFeature, r.corruptionAcc, r.ece]) {
      expect(v as number).toBeGreaterThanOrEqual(0);
      expect(v as number).toBeLessThanOrEqual(1);
    }
    expect(r.testBpd).toBeGreaterThan(0);
    expect(r.oodParts.map((p) => p.name)).toEqual(['Gaussian noise', 'constant colour']);
    trainer.dispose();
  });
});
