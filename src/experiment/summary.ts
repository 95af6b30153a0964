// The experiment over seeds: mean ± sd of every metric per weighting and per baseline, the mean
// within-seed standard error beside it, and the targets checked on the means. Pure.

import type { BaselineRecord, EvalResults } from '../eval/evalTypes';
import { meanAndSd, standardErrors, type UncertainMetric } from '../eval/uncertainty';
import type { ExperimentResult } from './types';

export type SummaryMetric =
  'linearAcc' | 'knnAcc' | 'oodAurocBpd' | 'oodAurocFeature' | 'corruptionAcc' | 'corruptionRatio' | 'ece' | 'testBpd';

export const SUMMARY_METRICS: readonly { key: SummaryMetric; head: string }[] = [
  { key: 'linearAcc', head: 'linear' },
  { key: 'knnAcc', head: 'kNN' },
  { key: 'oodAurocBpd', head: 'AUROC bpd' },
  { key: 'oodAurocFeature', head: 'AUROC feat' },
  { key: 'corruptionAcc', head: 'corr acc' },
  { key: 'corruptionRatio', head: 'corr/clean' },
  { key: 'ece', head: 'ECE' },
  { key: 'testBpd', head: 'test bpd' },
];

export interface SummaryCell {
  mean: number;
  /** Sample sd over seeds (NaN for one seed). */
  sd: number;
  /** Seeds that had the metric. */
  n: number;
  /** Mean of the within-seed standard errors (accuracies and AUROCs only), else NaN. */
  se: number;
}

export interface SummaryRow {
  label: string;
  kind: 'run' | 'untrained' | 'pixels';
  cells: Record<SummaryMetric, SummaryCell>;
  /** Linear-probe accuracy minus the same seed's untrained network's, over seeds (runs only). */
  linearGain: SummaryCell | null;
}

function cellOf(results: readonly EvalResults[], key: SummaryMetric): SummaryCell {
  const values = results.map((r) => r[key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const stats = meanAndSd(values);
  const errors = results
    .map((r) => standardErrors(r)[key as UncertainMetric])
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return { ...stats, se: errors.length > 0 ? meanAndSd(errors).mean : Number.NaN };
}

function cellsOf(results: readonly EvalResults[]): Record<SummaryMetric, SummaryCell> {
  return Object.fromEntries(SUMMARY_METRICS.map(({ key }) => [key, cellOf(results, key)])) as Record<SummaryMetric, SummaryCell>;
}

function baselineOf(baselines: readonly BaselineRecord[], kind: BaselineRecord['kind']): BaselineRecord | undefined {
  return baselines.find((b) => b.kind === kind);
}

/** Baselines first (untrained, pixels), then each weighting in the order it was run. */
export function summariseSeeds(result: Pick<ExperimentResult, 'seeds'>): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const kind of ['untrained', 'pixels'] as const) {
    const records = result.seeds.map((s) => baselineOf(s.baselines, kind)).filter((b): b is BaselineRecord => b !== undefined);
    if (records.length === 0) continue;
    const label = kind === 'untrained' ? 'untrained network' : 'raw pixels';
    rows.push({ label, kind, cells: cellsOf(records.map((b) => b.results)), linearGain: null });
  }
  const weightings = [...new Set(result.seeds.flatMap((s) => s.rows.map((r) => r.weighting)))];
  for (const weighting of weightings) {
    const perSeed = result.seeds.flatMap((s) => s.rows.filter((r) => r.weighting === weighting).map((row) => ({ row, seed: s })));
    const gains = perSeed
      .map(({ row, seed }) => {
        const untrained = baselineOf(seed.baselines, 'untrained')?.results.linearAcc;
        return row.results.linearAcc !== null && typeof untrained === 'number' ? row.results.linearAcc - untrained : null;
      })
      .filter((g): g is number => g !== null);
    rows.push({
      label: weighting,
      kind: 'run',
      cells: cellsOf(perSeed.map(({ row }) => row.results)),
      linearGain: gains.length > 0 ? { ...meanAndSd(gains), se: Number.NaN } : null,
    });
  }
  return rows;
}

export interface TargetCheck {
  target: string;
  met: boolean;
  detail: string;
}

const f3 = (v: number) => v.toFixed(3);

/**
 * The targets, read off the means over seeds: the hybrid's linear-probe accuracy above both
 * single objectives, its ECE the lowest of the three, its test bits/dim within 0.1 of generative-only.
 * Empty when the three weightings are not all there.
 */
export function targetChecks(rows: readonly SummaryRow[]): TargetCheck[] {
  const row = (label: string) => rows.find((r) => r.kind === 'run' && r.label === label);
  const hybrid = row('hybrid');
  const generative = row('generative');
  const contrastive = row('contrastive');
  if (!hybrid || !generative || !contrastive) return [];
  const lin = (r: SummaryRow) => r.cells.linearAcc;
  const ece = (r: SummaryRow) => r.cells.ece.mean;
  const bpdGap = hybrid.cells.testBpd.mean - generative.cells.testBpd.mean;
  return [
    {
      target: 'hybrid linear-probe accuracy above both single objectives (mean over seeds)',
      met: lin(hybrid).mean > lin(generative).mean && lin(hybrid).mean > lin(contrastive).mean,
      detail: `hybrid ${f3(lin(hybrid).mean)} ± ${f3(lin(hybrid).sd)} (sd), generative ${f3(lin(generative).mean)} ± ${f3(lin(generative).sd)}, contrastive ${f3(lin(contrastive).mean)} ± ${f3(lin(contrastive).sd)}; within one seed ±${f3(1.96 * lin(hybrid).se)} (95%)`,
    },
    {
      target: 'hybrid ECE the lowest of the three',
      met: ece(hybrid) < ece(generative) && ece(hybrid) < ece(contrastive),
      detail: `hybrid ${f3(ece(hybrid))}, generative ${f3(ece(generative))}, contrastive ${f3(ece(contrastive))}`,
    },
    {
      target: 'hybrid test bits/dim within 0.1 of generative-only',
      met: Math.abs(bpdGap) <= 0.1,
      detail: `hybrid ${f3(hybrid.cells.testBpd.mean)}, generative ${f3(generative.cells.testBpd.mean)} (difference ${bpdGap >= 0 ? '+' : ''}${f3(bpdGap)})`,
    },
  ];
}
