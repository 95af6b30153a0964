// What the headless experiment (npm run experiment) asks for and reports. Plain data: it
// crosses from the page to Node through Playwright as JSON.

import type { BackendName, PresetName } from '../config';
import type { BaselineRecord, EvalResults, EvalSettings } from '../eval/evalTypes';
import type { RunPresetName } from '../runPresets';

/** Paths of the files a person gave (files, folders walked by the script, zips), in the order of the page's file input. */
export interface FileSelection {
  /** Each file's path under the folder it was picked from (its class is its first folder). */
  paths: string[];
  /** A name for tables and logs. */
  name: string;
}

export interface ExperimentRequest {
  preset: PresetName;
  backend: BackendName;
  /** Optimiser steps per run; every run takes the same steps on the same batches. */
  steps: number;
  /** One full comparison per seed (the seed of the initial weights, the batch order and the augmentations). */
  seeds: number[];
  weightings: RunPresetName[];
  eval: Partial<EvalSettings>;
  /** Evaluate every run at every multiple of this many steps too (the trade-off trajectories); 0 = only at the end. */
  evalEvery: number;
  /** The person's dataset, set on the page's dataset input; null = the built-in CIFAR-10 subset. */
  dataset: FileSelection | null;
  /** The person's OOD images, set on the page's OOD input; null = the built-in notMNIST letters. */
  ood: FileSelection | null;
}

/** Training figures averaged over a run's last steps (NaN where the loss was off, e.g. L_con at λ_con = 0). */
export interface TrainingTail {
  steps: number;
  lossTotal: number;
  lossCon: number;
  bitsPerDim: number;
  conTop1: number;
  msPerStep: number;
}

/** A training curve, averaged over consecutive buckets of steps (each point: the bucket's last step). */
export interface LossCurve {
  steps: number[];
  bitsPerDim: number[];
  /** NaN where the run has no contrastive loss. */
  lossCon: number[];
}

export interface ExperimentRow {
  runId: string;
  weighting: RunPresetName;
  lambdaCon: number;
  lambdaGen: number;
  steps: number;
  training: TrainingTail;
  results: EvalResults;
  /** Every evaluation of the run, in step order (the last is `results`). */
  trajectory: { step: number; results: EvalResults }[];
  curve: LossCurve;
}

/** One seed's comparison. */
export interface SeedResult {
  seed: number;
  rows: ExperimentRow[];
  /** The untrained network of this seed and the raw pixels, on the same subsets. */
  baselines: BaselineRecord[];
  trainingSeconds: number;
  evalSeconds: number;
}

export interface ExperimentResult {
  request: ExperimentRequest;
  backend: string;
  backendReason: string;
  dataset: { name: string; train: number; test: number; imageSize: number; classes: number };
  ood: string;
  seeds: SeedResult[];
  startedAt: string;
}
