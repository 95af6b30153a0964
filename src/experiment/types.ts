// What the headless experiment (npm run experiment) asks for and reports. Plain data: it
// crosses from the page to Node through Playwright as JSON.

import type { BackendName, PresetName } from '../config';
import type { EvalResults, EvalSettings } from '../eval/evalTypes';
import type { RunPresetName } from '../runPresets';

export interface ExperimentRequest {
  preset: PresetName;
  backend: BackendName;
  /** Optimiser steps per run; every run takes the same steps on the same batches. */
  steps: number;
  seed: number;
  weightings: RunPresetName[];
  eval: Partial<EvalSettings>;
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

export interface ExperimentRow {
  runId: string;
  weighting: RunPresetName;
  lambdaCon: number;
  lambdaGen: number;
  steps: number;
  training: TrainingTail;
  results: EvalResults;
}

export interface ExperimentResult {
  request: ExperimentRequest;
  backend: string;
  backendReason: string;
  dataset: { name: string; train: number; test: number; imageSize: number; classes: number };
  rows: ExperimentRow[];
  trainingSeconds: number;
  evalSeconds: number;
  startedAt: string;
}
