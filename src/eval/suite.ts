// The evaluation suite of docs/evaluations.md for one frozen model: linear probe, kNN, OOD AUROC (bits/dim and
// feature scores), corruption robustness, calibration and test bits/dim, on fixed seeded subsets.
// Pure tfjs + the math of this folder (no DOM): the worker runs it between training steps, and the
// unit tests run it in Node. Cancellable at every chunk and every few probe iterations.

import type { ImageSet } from '../data/store';
import { meanOf, summariseCorruptions } from './aggregate';
import { auroc } from './auroc';
import { expectedCalibrationError } from './calibration';
import { CORRUPTION_KINDS, SEVERITIES } from './corruptions';
import type { CorruptionScore, EvalProgress, EvalResults, EvalSettings, OodPartScore, OodSetInfo, ProbeSummary } from './evalTypes';
import { featureOodScores, knnAccuracy } from './knn';
import { fitLinearProbe, type LinearProbe } from './linearProbe';
import { passUnits, runModelPasses, type CorruptionSpec, type EvaluableModel, type PassRequest } from './modelPasses';
import type { OodPart } from './oodSet';
import { distinctLabels, labelledRows, selectLabels, selectRows, seededSubset } from './subsets';

export interface SuiteInput {
  model: EvaluableModel;
  train: ImageSet;
  test: ImageSet;
  numClasses: number;
  oodParts: OodPart[];
  oodInfo: OodSetInfo;
  settings: EvalSettings;
  /** Rows per device pass (see chunkSizeFor). */
  chunkSize: number;
}

export interface SuiteOptions {
  signal?: AbortSignal;
  onProgress?: (progress: EvalProgress) => void;
}

/** Every corruption at every severity: the 25 corrupted copies of the test subset. */
export const CORRUPTION_GRID: readonly CorruptionSpec[] = CORRUPTION_KINDS.flatMap((kind) =>
  SEVERITIES.map((severity) => ({ kind, severity })),
);

const ECE_BINS = 15;
const KNN_K = 20;

/** Why the label-needing evaluations cannot run on these subsets, or null when they can. */
export function labelProblem(numClasses: number, trainLabels: Int32Array, testLabels: Int32Array): string | null {
  if (numClasses < 2) return 'needs labels: the dataset has fewer than two classes';
  if (distinctLabels(trainLabels) < 2) return 'needs labels: the training subset has fewer than two labelled classes';
  if (testLabels.length === 0) return 'needs labels: the test subset has no labelled images';
  return null;
}

function probeSummary(probe: LinearProbe): ProbeSummary {
  const { iterations, converged, stop, gradient } = probe;
  return { iterations, converged, stop, gradient: Number.isFinite(gradient) ? gradient : null };
}

export async function runEvalSuite(input: SuiteInput, opts: SuiteOptions = {}): Promise<EvalResults> {
  const started = performance.now();
  const { settings, numClasses } = input;
  const signal = opts.signal;
  const train = seededSubset(input.train, settings.trainSubset, settings.seed);
  const test = seededSubset(input.test, settings.testSubset, settings.seed + 1);
  if (train.count === 0) throw new Error('the dataset has no training images to evaluate with');
  if (test.count === 0) throw new Error('the dataset has no test images to evaluate on');
  const trainRows = labelledRows(train.labels, numClasses);
  const testRows = labelledRows(test.labels, numClasses);
  const trainLabels = selectLabels(train.labels, trainRows);
  const testLabels = selectLabels(test.labels, testRows);
  const needsLabels = labelProblem(numClasses, trainLabels, testLabels);
  // Raw pixels have no likelihood: their bits/dim and its OOD score do not apply (null), the rest does.
  const hasLikelihood = typeof input.model.bitsPerDim === 'function';

  // The probe is fitted on the train features before the test passes, so the 25 corrupted copies of
  // the test set are scored chunk by chunk as they come back and only hit counts are kept.
  let probe: LinearProbe | null = null;
  const corruptHits = new Float64Array(CORRUPTION_GRID.length);
  const countHits = (k: number, start: number, features: Float32Array) => {
    if (!probe) return;
    const predicted = probe.predict(features);
    for (let r = 0; r < predicted.length; r++) {
      const label = test.labels[start + r];
      if (label >= 0 && label < numClasses && predicted[r] === label) corruptHits[k]++;
    }
  };
  const trainRequest: PassRequest = { bitsPerDim: false, corruptions: [], seed: settings.seed };
  const testRequest: PassRequest = {
    bitsPerDim: hasLikelihood,
    corruptions: needsLabels ? [] : CORRUPTION_GRID,
    seed: settings.seed,
    onCorrupted: countHits,
  };
  const oodRequest: PassRequest = { bitsPerDim: hasLikelihood, corruptions: [], seed: settings.seed };
  const oodCount = input.oodParts.reduce((sum, part) => sum + part.set.count, 0);
  // Progress counts images × model passes; the probe and the similarity searches get a share
  // proportional to the images they touch.
  const probeUnits = needsLabels ? 0 : train.count;
  const searchUnits = test.count + oodCount + (needsLabels ? 0 : test.count);
  const total =
    train.count * passUnits(trainRequest) +
    test.count * passUnits(testRequest) +
    oodCount * passUnits(oodRequest) +
    probeUnits +
    searchUnits;
  let done = 0;
  let phase = '';
  const report = (units = 0) => {
    done += units;
    opts.onProgress?.({ phase, done: Math.min(done, total), total });
  };
  const passes = (name: string, set: ImageSet, request: PassRequest) => {
    phase = name;
    report();
    return runModelPasses(input.model, set, request, { chunkSize: input.chunkSize, signal, onUnits: report });
  };

  const trainOut = await passes('train features', train, trainRequest);
  const d = trainOut.d;
  const trainFeatures = selectRows(trainOut.features, d, trainRows);
  if (!needsLabels) {
    phase = 'linear probe';
    report();
    let probeDone = 0;
    probe = await fitLinearProbe(trainFeatures, trainRows.length, d, trainLabels, numClasses, {
      // λ = 1/n is scikit-learn's default (C = 1) in mean-loss form: a probe on a few hundred images in
      // d dimensions is nearly separable, and with a vanishing penalty its weights (and confidence)
      // grow without bound, so it neither converges nor gives a meaningful calibration error.
      l2: 1 / trainRows.length,
      signal,
      onProgress: (iteration, max) => {
        const now = Math.floor((probeUnits * iteration) / max);
        report(now - probeDone);
        probeDone = now;
      },
    });
  }
  const testOut = await passes(needsLabels ? 'test features' : 'test features and 25 corruptions', test, testRequest);
  const testBpd = testOut.bitsPerDim;
  const oodOuts = [];
  for (const part of input.oodParts) oodOuts.push({ part, out: await passes(`OOD: ${part.name}`, part.set, oodRequest) });

  phase = 'OOD scores';
  report();
  const featureScores = (features: Float32Array) =>
    featureOodScores(features, trainOut.features, d, { signal, chunkSize: input.chunkSize });
  const testFeatureScores = await featureScores(testOut.features);
  const oodParts: OodPartScore[] = [];
  const allBpd: number[] = [];
  const allFeature: number[] = [];
  for (const { part, out } of oodOuts) {
    const bpd = out.bitsPerDim;
    const feature = await featureScores(out.features);
    oodParts.push({
      name: part.name,
      count: part.set.count,
      aurocBpd: bpd && testBpd ? auroc(bpd, testBpd) : null,
      aurocFeature: auroc(feature, testFeatureScores),
    });
    if (bpd) for (let i = 0; i < bpd.length; i++) allBpd.push(bpd[i]);
    for (let i = 0; i < feature.length; i++) allFeature.push(feature[i]);
  }
  report(test.count + oodCount);

  const labelled = probe ? await labelledEvaluations(probe) : null;
  return {
    linearAcc: labelled?.linearAcc ?? null,
    knnAcc: labelled?.knnAcc ?? null,
    oodAurocBpd: oodCount > 0 && testBpd ? auroc(allBpd, testBpd) : null,
    oodAurocFeature: oodCount > 0 ? auroc(allFeature, testFeatureScores) : null,
    corruptionAcc: labelled?.corruptionAcc ?? null,
    corruptionRatio: labelled?.corruptionRatio ?? null,
    corruptions: labelled?.corruptions ?? [],
    ece: labelled?.ece ?? null,
    testBpd: testBpd ? meanOf(testBpd) : null,
    oodParts,
    ood: { ...input.oodInfo },
    sizes: { train: train.count, test: test.count, ood: oodCount, labelledTrain: trainRows.length, labelledTest: testRows.length },
    needsLabels,
    probe: probe ? probeSummary(probe) : null,
    seconds: (performance.now() - started) / 1000,
  };

  async function labelledEvaluations(fitted: LinearProbe) {
    const testFeatures = selectRows(testOut.features, d, testRows);
    const linearAcc = fitted.accuracy(testFeatures, testLabels);
    const ece = expectedCalibrationError(fitted.predictProbs(testFeatures), testLabels, numClasses, ECE_BINS);
    const corruptions: CorruptionScore[] = CORRUPTION_GRID.map((spec, k) => ({ ...spec, accuracy: corruptHits[k] / testRows.length }));
    const summary = summariseCorruptions(corruptions, linearAcc);
    phase = 'kNN';
    report();
    const knnAcc = await knnAccuracy(trainFeatures, trainLabels, testFeatures, testLabels, d, numClasses, {
      k: KNN_K,
      signal,
      chunkSize: input.chunkSize,
    });
    report(test.count);
    return {
      linearAcc,
      knnAcc,
      ece,
      corruptions,
      corruptionAcc: summary.mean,
      corruptionRatio: Number.isFinite(summary.ratio) ? summary.ratio : null,
    };
  }
}
