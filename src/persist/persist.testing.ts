// Helpers for the persist suites (Node, tfjs cpu backend). Not imported by app code.

import { presetConfig, type RunConfig } from '../config';
import type { Dataset, ImageSet } from '../data/store';
import type { NamedArray } from '../model/optimizer';
import { MICRO_MODEL, MICRO_TRAIN } from '../model/model.testing';
import { TrainingRun } from '../worker/run';
import type { RunBundle } from './bundle';
import { emptyHistory, record } from './history';

/** A micro model (fast on cpu) with the real config shape. */
export const MICRO_CONFIG: RunConfig = {
  ...presetConfig('tiny', MICRO_TRAIN.seed),
  model: MICRO_MODEL,
  train: MICRO_TRAIN,
  hyper: { lambdaCon: 1, lambdaGen: 1, tau: 0.2, lr: 3e-3 },
};

/** `count` distinct pseudo-images, so a wrong data position gives different losses. */
export function fakeSet(count: number, size: number, seed = 1): ImageSet {
  const pixels = new Uint8Array(count * size * size * 3);
  let s = seed >>> 0;
  for (let i = 0; i < pixels.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    pixels[i] = s >>> 24;
  }
  const labels = Int32Array.from({ length: count }, (_, i) => i % 3);
  return { size, count, pixels, labels };
}

/** A three-class dataset of micro-model-sized pseudo-images for the worker's persistence suites. */
export function fakeDataset(trainCount: number): Dataset {
  const size = MICRO_CONFIG.model.imageSize;
  return { name: 'fake data', classNames: ['a', 'b', 'c'], train: fakeSet(trainCount, size, 5), test: fakeSet(4, size, 6), skipped: [] };
}

/** The source a saved session names for the built-in dataset (never fetched in these suites). */
export const FAKE_BUILTIN = { kind: 'url' as const, name: 'builtin', trainUrl: 'train.zip', testUrl: 'test.zip' };

/** Trains `steps` steps and returns the run with its recorded history as a bundle. */
export async function trainedBundle(run: TrainingRun, steps: number): Promise<RunBundle> {
  const history = emptyHistory();
  for (let i = 0; i < steps; i++) {
    const report = await run.trainOneStep();
    record(history, { type: 'metrics', runId: run.id, step: report.step, metrics: report.metrics, hyper: report.hyper });
  }
  const checkpoint = await run.exportCheckpoint();
  return {
    sourceRunId: run.id,
    config: run.config,
    hyper: checkpoint.hyper,
    step: run.step,
    batcher: checkpoint.batcher,
    trainer: checkpoint.trainer,
    history,
    dataset: { name: 'fake', imageSize: run.config.model.imageSize, trainCount: 10 },
    exportedAt: '2025-01-01T00:00:00.000Z',
  };
}

/**
 * The optimiser state as versions 1 and 2 wrote it: one update count `adamw/t` (every update counted,
 * so the count of a variable that both losses reach), then both moments of every variable.
 */
export function legacyOptimizerState(state: readonly NamedArray[]): NamedArray[] {
  const counts = state.filter((s) => s.name.endsWith('/t')).map((s) => s.values[0]);
  const moments = state.filter((s) => !s.name.endsWith('/t'));
  return [{ name: 'adamw/t', shape: [1], values: Float32Array.of(Math.max(0, ...counts)) }, ...moments];
}
