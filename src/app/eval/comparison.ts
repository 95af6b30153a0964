// The comparison table's rows (docs/evaluations.md#where-the-results-go): the baselines first, then
// every run; each number's 95% interval; a run's gain over its own untrained network; and which
// value in a column is a win, meaning better than every other row beyond chance. Pure.

import { PIXELS_BASELINE_ID, PIXELS_BASELINE_LABEL, untrainedBaselineId, untrainedBaselineLabel } from '../../eval/baselines';
import type { BaselineRecord, EvalResults } from '../../eval/evalTypes';
import { halfWidth95, significantlyGreater, standardErrors, UNCERTAIN_METRICS, type UncertainMetric } from '../../eval/uncertainty';
import { latestEval, type EvalRecord, type EvalState } from './evalStore';
import type { RunView } from '../training/runView';

export interface ComparisonRow {
  /** Unique among the rows: a run id or a baseline id. */
  key: string;
  kind: 'run' | 'untrained' | 'pixels';
  label: string;
  /** The run, for run rows. */
  run: RunView | null;
  /** The step of the evaluation shown (0 for the untrained network), or null when not evaluated. */
  step: number | null;
  results: EvalResults | null;
  /** A run's own untrained network (same architecture and seed), when it has been evaluated. */
  untrained: EvalResults | null;
}

function baselineRow(id: string, kind: BaselineRecord['kind'], label: string, record: BaselineRecord | undefined): ComparisonRow {
  return { key: id, kind, label, run: null, step: record ? 0 : null, results: record?.results ?? null, untrained: null };
}

/**
 * One untrained row per architecture-and-seed among the runs (usually one), then the raw pixels, then
 * every run with its latest evaluation. Baseline rows are there before they are evaluated.
 */
export function comparisonRows(runs: readonly RunView[], evals: EvalState): ComparisonRow[] {
  const byId = new Map(evals.baselines.map((b) => [b.id, b]));
  const rows: ComparisonRow[] = [];
  const seen = new Set<string>();
  for (const run of runs) {
    const id = untrainedBaselineId(run.config);
    if (seen.has(id)) continue;
    seen.add(id);
    rows.push(baselineRow(id, 'untrained', untrainedBaselineLabel(run.config), byId.get(id)));
  }
  rows.push(baselineRow(PIXELS_BASELINE_ID, 'pixels', PIXELS_BASELINE_LABEL, byId.get(PIXELS_BASELINE_ID)));
  for (const run of runs) {
    const record: EvalRecord | null = latestEval(evals, run.id);
    rows.push({
      key: run.id,
      kind: 'run',
      label: run.id,
      run,
      step: record?.step ?? null,
      results: record?.results ?? null,
      untrained: byId.get(untrainedBaselineId(run.config))?.results ?? null,
    });
  }
  return rows;
}

/** The 95% half-width of a metric of one evaluation, or null when it has none. */
export function intervalOf(results: EvalResults | null, key: keyof EvalResults): number | null {
  if (!results || !isUncertain(key)) return null;
  const se = standardErrors(results)[key];
  return se === undefined || !Number.isFinite(se) ? null : halfWidth95(se);
}

function isUncertain(key: keyof EvalResults): key is UncertainMetric {
  return (UNCERTAIN_METRICS as readonly string[]).includes(key);
}

export interface Gain {
  delta: number;
  /** Beyond chance (5% z-test); null for a metric without a standard error. */
  significant: boolean | null;
}

/** A run's value minus its untrained network's, for one metric; null when either is missing. */
export function gainOverUntrained(row: ComparisonRow, key: keyof EvalResults): Gain | null {
  const value = row.results?.[key];
  const base = row.untrained?.[key];
  if (row.kind !== 'run' || typeof value !== 'number' || typeof base !== 'number' || !row.results || !row.untrained) return null;
  const delta = value - base;
  if (!isUncertain(key)) return { delta, significant: null };
  const se = standardErrors(row.results)[key] ?? Number.NaN;
  const seBase = standardErrors(row.untrained)[key] ?? Number.NaN;
  // A drop beyond chance is as real as a rise: test the difference in both directions.
  const significant = delta >= 0 ? significantlyGreater(value, se, base, seBase) : significantlyGreater(base, seBase, value, se);
  return { delta, significant };
}

/**
 * The key of the row whose value in this column beats every other row's beyond chance, or null when
 * no row does (then nothing is drawn as a win). Higher is better for every metric with an interval.
 */
export function winnerOf(rows: readonly ComparisonRow[], key: UncertainMetric): string | null {
  const scored = rows
    .map((row) => ({ row, value: row.results?.[key], se: row.results ? standardErrors(row.results)[key] : undefined }))
    .filter((s): s is { row: ComparisonRow; value: number; se: number } => typeof s.value === 'number' && typeof s.se === 'number');
  if (scored.length < 2) return null;
  const best = scored.reduce((a, b) => (b.value > a.value ? b : a));
  const beatsAll = scored.every((s) => s === best || significantlyGreater(best.value, best.se, s.value, s.se));
  return beatsAll ? best.row.key : null;
}
