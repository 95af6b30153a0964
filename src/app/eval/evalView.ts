// Pure shaping of evaluation results for the Evaluation panel: the trade-off plot's trajectories and
// baseline points, the readouts, and number formatting. Kept out of the components so it is tested
// without a DOM (the table's rows: comparison.ts).

import type { EvalResults } from '../../eval/evalTypes';
import { comparisonRows, intervalOf } from './comparison';
import type { EvalState } from './evalStore';
import type { RunView } from '../training/runView';

/** Which OOD score the trade-off plot's y axis shows. */
export type OodScoreKey = 'oodAurocFeature' | 'oodAurocBpd';

export const OOD_SCORE_LABELS: Record<OodScoreKey, string> = {
  oodAurocFeature: 'OOD AUROC, feature score (1 − max cosine to train)',
  oodAurocBpd: 'OOD AUROC, bits/dim score',
};

export interface TradeoffPoint {
  step: number;
  x: number;
  y: number;
  /** 95% half-widths; drawn on a run's latest point only, 0 elsewhere. */
  ex: number;
  ey: number;
  latest: boolean;
}

/** One run's path through the plot: its evaluations in step order, from its untrained network when it has one. */
export interface TradeoffSeries {
  runId: string;
  color: string;
  points: TradeoffPoint[];
}

export interface BaselinePoint {
  key: string;
  kind: 'untrained' | 'pixels';
  label: string;
  x: number;
  y: number;
  ex: number;
  ey: number;
}

function pointOf(results: EvalResults, key: OodScoreKey, step: number, latest: boolean): TradeoffPoint | null {
  const x = results.linearAcc;
  const y = results[key];
  if (typeof x !== 'number' || typeof y !== 'number') return null;
  const ex = latest ? (intervalOf(results, 'linearAcc') ?? 0) : 0;
  const ey = latest ? (intervalOf(results, key) ?? 0) : 0;
  return { step, x, y, ex, ey, latest };
}

/**
 * Per run with a labelled evaluation: every evaluation in step order (the trajectory), led by its
 * untrained network at step 0 when the run was trained from scratch (a fork starts elsewhere).
 */
export function tradeoffSeries(runs: readonly RunView[], evals: EvalState, key: OodScoreKey): TradeoffSeries[] {
  const rows = comparisonRows(runs, evals);
  const series: TradeoffSeries[] = [];
  for (const run of runs) {
    const records = evals.history[run.id] ?? [];
    const points = records
      .map((r, i) => pointOf(r.results, key, r.step, i === records.length - 1))
      .filter((p): p is TradeoffPoint => p !== null);
    if (points.length === 0 || !points[points.length - 1].latest) continue;
    const untrained = rows.find((r) => r.key === run.id)?.untrained;
    const start = !run.forkedFrom && untrained && points[0].step > 0 ? pointOf(untrained, key, 0, false) : null;
    series.push({ runId: run.id, color: run.color, points: start ? [start, ...points] : points });
  }
  return series;
}

/** The evaluated baselines as points (the raw pixels have no bits/dim score, so no point on that axis). */
export function baselinePoints(runs: readonly RunView[], evals: EvalState, key: OodScoreKey): BaselinePoint[] {
  return comparisonRows(runs, evals).flatMap((row) => {
    if (row.kind === 'run' || !row.results) return [];
    const p = pointOf(row.results, key, 0, true);
    return p ? [{ key: row.key, kind: row.kind, label: row.label, x: p.x, y: p.y, ex: p.ex, ey: p.ey }] : [];
  });
}

/** The readouts of docs/architecture.md#test-hooks with the result field each shows. */
export const EVAL_READOUTS: readonly { testId: string; label: string; key: keyof EvalResults; needsLabels: boolean }[] = [
  { testId: 'eval-linear-acc', label: 'linear probe acc.', key: 'linearAcc', needsLabels: true },
  { testId: 'eval-knn-acc', label: 'kNN acc. (k = 20)', key: 'knnAcc', needsLabels: true },
  { testId: 'eval-ood-auroc-bpd', label: 'OOD AUROC, bits/dim', key: 'oodAurocBpd', needsLabels: false },
  { testId: 'eval-ood-auroc-feature', label: 'OOD AUROC, feature', key: 'oodAurocFeature', needsLabels: false },
  { testId: 'eval-corruption-acc', label: 'corruption acc. (25 sets)', key: 'corruptionAcc', needsLabels: true },
  { testId: 'eval-ece', label: 'ECE (15 bins)', key: 'ece', needsLabels: true },
  { testId: 'eval-test-bpd', label: 'test bits/dim', key: 'testBpd', needsLabels: false },
];

/** A number for a table cell: fixed digits, '–' for missing, the word for NaN. */
export function formatMetric(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return '–';
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}
