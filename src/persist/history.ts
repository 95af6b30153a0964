// A run's history as it is stored and exported: one flat row per training step (its losses and the
// hyperparameters that step used) and one record per evaluation. The worker records the events it
// emits; a restored or imported run gets them back as the same events, so the UI rebuilds its views
// (curves, hyperparameter marks, evaluation table) with the code that handles live events.

import type { HyperParams } from '../config';
import type { EvalResults } from '../eval/evalTypes';
import type { HistoryEvent, StepMetrics } from '../runTypes';

/** One training step. NaN (e.g. the contrastive loss when λcon = 0) is written as null in JSON. */
export interface MetricRow extends StepMetrics, HyperParams {
  step: number;
}

export interface EvalRecord {
  step: number;
  results: EvalResults;
}

export interface RunHistory {
  metrics: MetricRow[];
  evaluations: EvalRecord[];
}

export const METRIC_COLUMNS = [
  'step',
  'lossTotal',
  'lossCon',
  'bitsPerDim',
  'conTop1',
  'imagesPerSec',
  'msPerStep',
  'lambdaCon',
  'lambdaGen',
  'tau',
  'lr',
] as const satisfies readonly (keyof MetricRow)[];

export function emptyHistory(): RunHistory {
  return { metrics: [], evaluations: [] };
}

export function isHistoryEvent(event: { type: string }): event is HistoryEvent {
  return event.type === 'metrics' || event.type === 'evalResult';
}

/** Adds one step's metrics or one evaluation to a history. */
export function record(history: RunHistory, event: HistoryEvent): void {
  if (event.type === 'evalResult') {
    // A second evaluation at the same step replaces the first, as the evaluation table shows it.
    const kept = history.evaluations.filter((e) => e.step !== event.step);
    history.evaluations = [...kept, { step: event.step, results: event.results }].sort((a, b) => a.step - b.step);
    return;
  }
  const { metrics, hyper } = event;
  history.metrics.push({
    step: event.step,
    lossTotal: metrics.lossTotal,
    lossCon: metrics.lossCon,
    bitsPerDim: metrics.bitsPerDim,
    conTop1: metrics.conTop1,
    imagesPerSec: metrics.imagesPerSec,
    msPerStep: metrics.msPerStep,
    lambdaCon: hyper.lambdaCon,
    lambdaGen: hyper.lambdaGen,
    tau: hyper.tau,
    lr: hyper.lr,
  });
}

/** The events that rebuild this history in the UI, in step order, for run `runId`. */
export function historyEvents(history: RunHistory, runId: string): HistoryEvent[] {
  const metrics: HistoryEvent[] = history.metrics.map((row) => ({
    type: 'metrics',
    runId,
    step: row.step,
    metrics: {
      lossTotal: row.lossTotal,
      lossCon: row.lossCon,
      bitsPerDim: row.bitsPerDim,
      conTop1: row.conTop1,
      imagesPerSec: row.imagesPerSec,
      msPerStep: row.msPerStep,
    },
    hyper: { lambdaCon: row.lambdaCon, lambdaGen: row.lambdaGen, tau: row.tau, lr: row.lr },
  }));
  const evaluations: HistoryEvent[] = history.evaluations.map((e) => ({ type: 'evalResult', runId, step: e.step, results: e.results }));
  // Stable sort: at one step the metrics come first, as they did live (the evaluation ran after the step).
  return [...metrics, ...evaluations].sort((a, b) => a.step - b.step);
}

/**
 * The history a checkpoint at `step` stands for: what came after it will be recomputed on resume, so
 * keeping it would leave two different points for one step. Rows are in step order.
 */
export function historyUpTo(history: RunHistory, step: number): RunHistory {
  return {
    metrics: history.metrics.filter((row) => row.step <= step),
    evaluations: history.evaluations.filter((e) => e.step <= step),
  };
}

export function copyHistory(history: RunHistory): RunHistory {
  return { metrics: history.metrics.slice(), evaluations: history.evaluations.slice() };
}
