// What the page knows about one run: its config, status, sliders, the curve of every step and the
// marks on it. A type module that imports nothing from the stores that build these values.

import type { HyperParams, RunConfig } from '../../config';
import type { RunStatus, StepMetrics } from '../../runTypes';

export interface MetricPoint extends StepMetrics {
  step: number;
}

export interface HyperChange {
  step: number;
  hyper: HyperParams;
}

export interface RunView {
  id: string;
  config: RunConfig;
  status: RunStatus;
  step: number;
  /** The values the sliders show; the worker applies them from its next step. */
  hyper: HyperParams;
  history: MetricPoint[];
  /** Steps where the hyperparameters actually used differ from the previous step's. */
  hyperChanges: HyperChange[];
  lastHyperUsed: HyperParams | null;
  /** The run's colour in every chart and list; kept for its lifetime. */
  color: string;
  /** The run and step it was forked from; null for a run trained from scratch. */
  forkedFrom: { runId: string; step: number } | null;
}
