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
import { fitLinearProbe } from './linearProbe';
import { seededSubset } from './subsets';

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

/** AUROC by its definition: the share of (OOD, test) pairs where the OOD score is higher, ties ½. */
function pairAuroc(ood: number[], test: number[]): number {
  let wins = 0;
  for (const o of ood) for (const t of test) wins += o > t ? 1 : o === t ? 0.5 : 0;
  return wins / (ood.length * test.length);
}

/** The colour model's answers in float64, per image: r(x) (channel means / 255) and bits/dim. */
function colourAnswers(set: ImageSet): Answers {
  const per = set.size * set.size;
  const rep = Array.from({ length: set.count }, (_, i) =>
    [0, 1, 2].map((c) => {
      let sum = 0;
      for (let p = 0; p < per; p++) sum += set.pixels[(i * per + p) * 3 + c];
      return sum / per / 255;
    }),
  );
  return { rep, bpd: rep.map((m) => (8 * (m[0] + m[1] + m[2])) / 3) };
}

/** The feature OOD score: 1 − the largest cosine similarity to a train representation. */
function featureScores(reps: number[][], bank: number[][]): number[] {
  const norm = (v: number[]) => Math.hypot(...v);
  return reps.map((r) => 1 - Math.max(...bank.map((b) => r.reduce((s, v, j) => s + v * b[j], 0) / (norm(r) * norm(b)))));
}

interface Answers {
  rep: number[][];
  bpd: number[];
}

/** The suite's overall OOD AUROCs (all parts against the test images), recomputed from per-image answers. */
function overallAurocs(ood: Answers[], test: Answers, train: Answers): [number, number] {
  return [
    pairAuroc(
      ood.flatMap((o) => o.bpd),
      test.bpd,
    ),
    pairAuroc(
      featureScores(
        ood.flatMap((o) => o.rep),
        train.rep,
      ),
      featureScores(test.rep, train.rep),
    ),
  ];
}

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
    const given = input();
    const r = await runEvalSuite(given);
    expect(r.linearAcc).toBe(1);
    expect(r.knnAcc).toBe(1);
    expect(r.sizes).toEqual({ train: 90, test: 45, ood: 50, labelledTrain: 90, labelledTest: 45 });
    // The subsets the suite draws, and the model's answers on them computed here in float64.
    const { settings } = given;
    const train = colourAnswers(seededSubset(given.train, settings.trainSubset, settings.seed));
    const test = colourAnswers(seededSubset(given.test, settings.testSubset, settings.seed + 1));
    expect(r.testBpd).toBeCloseTo(test.bpd.reduce((s, v) => s + v, 0) / test.bpd.length, 5); // ≈ 8·87/255
    const testFeature = featureScores(test.rep, train.rep);
    const parts = given.oodParts.map((part) => ({ name: part.name, ...colourAnswers(part.set) }));
    expect(r.oodParts).toEqual(
      parts.map((part, i) => ({
        name: part.name,
        count: given.oodParts[i].set.count,
        aurocBpd: pairAuroc(part.bpd, test.bpd),
        aurocFeature: pairAuroc(featureScores(part.rep, train.rep), testFeature),
      })),
    );
    expect([r.oodAurocBpd, r.oodAurocFeature]).toEqual(overallAurocs(parts, test, train));
    // Bright squares (250) and noise (mean 127.5) are brighter and greyer than every test image, and
    // here the five constant colours happen to be too: every AUROC is 1.
    expect(r.oodParts.map((p) => [p.name, p.count, p.aurocBpd, p.aurocFeature])).toEqual([
      ['bright squares', 40, 1, 1],
      ['Gaussian noise', 5, 1, 1],
      ['constant colour', 5, 1, 1],
    ]);
    expect([r.oodAurocBpd, r.oodAurocFeature]).toEqual([1, 1]);
    // No corruption moves a class's own channel (200) near the others (30): noise adds at most
    // ~6 levels to a 16-pixel mean, blur, pixelation and contrast keep channel means, brightness
    // scales all channels alike. So every corrupted copy is classified as well as the clean one.
    expect(r.corruptions).toHaveLength(25);
    expect(r.corruptions.every((c) => c.accuracy === 1)).toBe(true);
    expect([r.corruptionAcc, r.corruptionRatio]).toEqual([1, 1]);
    // Every test prediction is right, so each confidence bin's accuracy is 1 and ECE = 1 − mean
    // confidence, from the same probe fitted on the same features.
    const passes = async (set: ImageSet) =>
      (await runModelPasses(colourModel, set, { bitsPerDim: false, corruptions: [], seed: 0 }, { chunkSize: 16 })).features;
    const trainSet = seededSubset(given.train, settings.trainSubset, settings.seed);
    const probe = await fitLinearProbe(await passes(trainSet), trainSet.count, 3, trainSet.labels, 3, { l2: 1 / trainSet.count });
    const probs = probe.predictProbs(await passes(seededSubset(given.test, settings.testSubset, settings.seed + 1)));
    let confidence = 0;
    for (let i = 0; i < probs.length; i += 3) confidence += Math.max(probs[i], probs[i + 1], probs[i + 2]);
    expect(r.ece).toBeCloseTo(1 - confidence / (probs.length / 3), 6);
    expect(r.ece).toBeGreaterThan(0); // λ = 1/n keeps the probe from being certain
    expect(r.needsLabels).toBeNull();
    expect(r.ood).toEqual(INFO);
    expect(r.probe).toMatchObject({ converged: true, stop: 'converged' });
    expect(r.probe?.gradient).toBeLessThan(1e-5); // the probe's gradient tolerance
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
    // The label-free evaluations give what they give with labels: same images, same scores.
    const test = colourAnswers(seededSubset(colourClasses(60, 2, false), 45, DEFAULT_EVAL_SETTINGS.seed + 1));
    const ood = input().oodParts.flatMap((part) => colourAnswers(part.set).bpd);
    expect(r.oodAurocBpd).toBe(pairAuroc(ood, test.bpd));
    expect(r.oodAurocBpd).toBe(1);
    expect(r.testBpd).toBeCloseTo(test.bpd.reduce((s, v) => s + v, 0) / test.bpd.length, 5);
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

  it('noisy images are the same whatever the chunk size (runs with other patch sizes see the same noise)', async () => {
    const set = colourClasses(10, 4);
    // r(x) = the image itself, so the features are the corrupted pixels.
    const identity: EvaluableModel = {
      represent: (images) => tf.reshape(images, [images.shape[0], -1]) as tf.Tensor2D,
      bitsPerDim: (images) => tf.zeros([images.shape[0]]) as tf.Tensor1D,
    };
    const noise = CORRUPTION_GRID.filter((c) => c.kind === 'gaussianNoise' && c.severity >= 4);
    const d = SIZE * SIZE * 3;
    const corruptedWith = async (chunkSize: number) => {
      const out = noise.map(() => new Float32Array(10 * d));
      const onCorrupted = (k: number, start: number, features: Float32Array) => out[k].set(features, start * d);
      await runModelPasses(identity, set, { bitsPerDim: false, corruptions: noise, seed: 5, onCorrupted }, { chunkSize });
      return out.map((a) => Array.from(a));
    };
    const [byFour, byThree] = [await corruptedWith(4), await corruptedWith(3)];
    expect(byThree).toEqual(byFour);
    expect(byFour[0]).not.toEqual(Array.from(set.pixels)); // noise was added
    expect(byFour[1]).not.toEqual(byFour[0]); // each severity draws its own noise
  });

  it('chunk sizes shrink as the token count grows', () => {
    expect(chunkSizeFor(17)).toBe(256);
    expect(chunkSizeFor(65)).toBe(64);
    expect(chunkSizeFor(257)).toBe(16);
  });
});

describe('runEvalSuite on a real (micro) HybridTrainer', () => {
  it("scores the images it should: bits/dim and AUROCs equal the model's own answers, and no tensor leaks", async () => {
    const trainer = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
    const size = MICRO_MODEL.imageSize;
    const settings = { ...DEFAULT_EVAL_SETTINGS, trainSubset: 40, testSubset: 20, oodSubset: 20 };
    const noise = (count: number, seed: number, labelled: boolean): ImageSet => {
      const random = mulberry32(seed);
      const pixels = Uint8Array.from({ length: count * size * size * 3 }, () => Math.floor(random() * 256));
      return { size, count, pixels, labels: Int32Array.from({ length: count }, (_, i) => (labelled ? i % 2 : -1)) };
    };
    const given: SuiteInput = {
      model: trainer,
      train: noise(40, 1, true),
      test: noise(20, 2, true),
      numClasses: 2,
      oodParts: buildOodParts(null, settings, size),
      oodInfo: { name: 'none', origin: 'builtin', state: 'failed', imageCount: null, skipped: 0, error: 'test: no natural set' },
      settings,
      chunkSize: chunkSizeFor(trainer.model.dims.tokens),
    };
    const before = tf.memory().numTensors;
    const r = await runEvalSuite(given);
    expect(tf.memory().numTensors).toBe(before);
    // The model's answers, one image set at a time, without the suite's chunking.
    const answers = async (set: ImageSet) => {
      const images = tf.tensor4d(set.pixels, [set.count, size, size, 3], 'int32').toFloat() as tf.Tensor4D;
      const [bpd, rep] = [trainer.bitsPerDim(images), trainer.represent(images)];
      const out = { bpd: Array.from(await bpd.data()), rep: chunk(Array.from(await rep.data()), rep.shape[1]) };
      tf.dispose([images, bpd, rep]);
      return out;
    };
    const chunk = (values: number[], d: number) => Array.from({ length: values.length / d }, (_, i) => values.slice(i * d, (i + 1) * d));
    const train = await answers(seededSubset(given.train, 40, settings.seed));
    const test = await answers(seededSubset(given.test, 20, settings.seed + 1));
    const ood = await Promise.all(given.oodParts.map((part) => answers(part.set)));
    expect(r.oodParts.map((p) => p.name)).toEqual(['Gaussian noise', 'constant colour']);
    expect(r.testBpd).toBeCloseTo(test.bpd.reduce((s, v) => s + v, 0) / 20, 4);
    const [bpdAuroc, featureAuroc] = overallAurocs(ood, test, train);
    expect(r.oodAurocBpd).toBeCloseTo(bpdAuroc, 9);
    expect(r.oodAurocFeature).toBeCloseTo(featureAuroc, 9);
    r.oodParts.forEach((part, i) => expect(part.aurocBpd).toBeCloseTo(pairAuroc(ood[i].bpd, test.bpd), 9));
    // 20 labelled test images: accuracies are counts of hits over 20; the ratio is corrupted over clean.
    for (const acc of [r.linearAcc, r.knnAcc, ...r.corruptions.map((c) => c.accuracy)])
      expect(Number.isInteger((acc as number) * 20)).toBe(true);
    expect(r.corruptionAcc).toBeCloseTo(r.corruptions.reduce((s, c) => s + c.accuracy, 0) / 25, 12);
    expect(r.corruptionRatio).toBeCloseTo((r.corruptionAcc as number) / (r.linearAcc as number), 12);
    expect(r.ece as number).toBeGreaterThanOrEqual(0);
    expect(r.ece as number).toBeLessThanOrEqual(1);
    trainer.dispose();
  });
});
