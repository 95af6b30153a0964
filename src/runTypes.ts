// What a training run is and what one step reports: the run's status, the scalars of a step, and the
// events a run's history is made of (recorded, stored, exported and replayed). Plain types at the
// bottom of the house: the worker, storage and the UI name them without importing the wire protocol,
// which assembles its unions from them.

import type { HyperParams } from './config';
import type { EvalResults } from './eval/evalTypes';

export type RunStatus = 'idle' | 'training' | 'paused';

/** Scalars measured at one training step. */
export interface StepMetrics {
  lossTotal: number;
  lossCon: number;
  bitsPerDim: number;
  conTop1: number;
  imagesPerSec: number;
  msPerStep: number;
}

/** Every event from the worker names its run and step; events of no particular run carry null and 0. */
export interface EventBase {
  runId: string | null;
  step: number;
}

/** One training step's metrics, with the hyperparameters that step actually used. */
export interface MetricsEvent extends EventBase {
  type: 'metrics';
  metrics: StepMetrics;
  hyper: HyperParams;
}

export interface EvalResultEvent extends EventBase {
  type: 'evalResult';
  results: EvalResults;
}

/** The events a run's history is made of: what is recorded, stored and replayed. */
export type HistoryEvent = MetricsEvent | EvalResultEvent;
