// The experiment's tables as text: one seed's comparison (baselines first, each number with its 95%
// interval), the mean ± sd over seeds, and the same summary as Markdown for docs/results.md. Pure.

import type { BaselineRecord, EvalResults } from '../eval/evalTypes';
import { halfWidth95, significantlyGreater, standardErrors, type UncertainMetric } from '../eval/uncertainty';
import { SUMMARY_METRICS, type SummaryCell, type SummaryRow } from './summary';
import type { ExperimentRow, SeedResult } from './types';

interface Line {
  label: string;
  lambdaCon: number | null;
  lambdaGen: number | null;
  steps: number | null;
  results: EvalResults;
  training: ExperimentRow['training'] | null;
}

type Cell = number | string | null;

function text(value: Cell): string {
  if (value === null) return '–';
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return Number.isFinite(value) ? value.toFixed(3) : String(value);
}

/** A value with its 95% half-width: "0.400±0.043". */
function withInterval(results: EvalResults, key: UncertainMetric): string {
  const value = results[key];
  if (value === null) return '–';
  const se = standardErrors(results)[key];
  return se === undefined || !Number.isFinite(se) ? text(value) : `${text(value)}±${halfWidth95(se).toFixed(3)}`;
}

/** Linear-probe gain over the untrained row, with '*' when it is beyond chance (docs/evaluations.md#uncertainty). */
function gainOver(results: EvalResults, untrained: EvalResults | undefined): string {
  const a = results.linearAcc;
  const b = untrained?.linearAcc;
  if (a === null || b === null || b === undefined || !untrained) return '–';
  const significant = significantlyGreater(
    a,
    standardErrors(results).linearAcc ?? Number.NaN,
    b,
    standardErrors(untrained).linearAcc ?? Number.NaN,
  );
  return `${a - b >= 0 ? '+' : ''}${(a - b).toFixed(3)}${significant ? '*' : ''}`;
}

const COLUMNS: readonly { head: string; cell: (line: Line, untrained: EvalResults | undefined) => Cell }[] = [
  { head: 'row', cell: (l) => l.label },
  { head: 'λcon', cell: (l) => l.lambdaCon },
  { head: 'λgen', cell: (l) => l.lambdaGen },
  { head: 'steps', cell: (l) => l.steps },
  { head: 'linear', cell: (l) => withInterval(l.results, 'linearAcc') },
  { head: 'vs untrained', cell: (l, u) => (l.steps === null ? null : gainOver(l.results, u)) },
  { head: 'kNN', cell: (l) => withInterval(l.results, 'knnAcc') },
  { head: 'AUROC bpd', cell: (l) => withInterval(l.results, 'oodAurocBpd') },
  { head: 'AUROC feat', cell: (l) => withInterval(l.results, 'oodAurocFeature') },
  { head: 'corr acc', cell: (l) => withInterval(l.results, 'corruptionAcc') },
  { head: 'corr/clean', cell: (l) => l.results.corruptionRatio },
  { head: 'ECE', cell: (l) => l.results.ece },
  { head: 'test bpd', cell: (l) => l.results.testBpd },
  { head: 'train bpd', cell: (l) => l.training?.bitsPerDim ?? null },
  { head: 'L_con', cell: (l) => l.training?.lossCon ?? null },
];

function aligned(cells: string[][]): string[] {
  const widths = cells[0].map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  const lines = cells.map((line) => line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines;
}

function baselineLine(b: BaselineRecord): Line {
  return {
    label: b.kind === 'untrained' ? 'untrained' : 'raw pixels',
    lambdaCon: null,
    lambdaGen: null,
    steps: null,
    results: b.results,
    training: null,
  };
}

function runLine(r: ExperimentRow): Line {
  return { label: r.weighting, lambdaCon: r.lambdaCon, lambdaGen: r.lambdaGen, steps: r.steps, results: r.results, training: r.training };
}

/**
 * One seed: baselines, then one row per run, each accuracy and AUROC with ± its 95% interval, the
 * linear-probe gain over the untrained row ('*' = beyond chance), then the AUROCs per OOD part.
 */
export function formatSeedTable(seed: Pick<SeedResult, 'rows' | 'baselines'>): string {
  const untrained = seed.baselines.find((b) => b.kind === 'untrained')?.results;
  const lines = [...seed.baselines.map(baselineLine), ...seed.rows.map(runLine)];
  const cells = [COLUMNS.map((c) => c.head), ...lines.map((line) => COLUMNS.map((c) => text(c.cell(line, untrained))))];
  const out = aligned(cells);
  const parts = [...new Set(lines.flatMap((l) => l.results.oodParts.map((p) => p.name)))];
  for (const part of parts) {
    const perRow = lines.map((l) => {
      const score = l.results.oodParts.find((p) => p.name === part);
      return `${l.label} ${score ? `${text(score.aurocBpd)}/${text(score.aurocFeature)}` : '–'}`;
    });
    out.push(`OOD AUROC bpd/feat vs ${part}: ${perRow.join(' · ')}`);
  }
  out.push('± = 95% interval (1.96 standard errors); * = gain beyond chance (z-test of the difference at 5%)');
  return out.join('\n');
}

function meanSd(cell: SummaryCell | null, digits = 3): string {
  if (!cell || cell.n === 0) return '–';
  return Number.isFinite(cell.sd) ? `${cell.mean.toFixed(digits)} ± ${cell.sd.toFixed(digits)}` : cell.mean.toFixed(digits);
}

function signed(cell: SummaryCell | null): string {
  if (!cell || cell.n === 0) return '–';
  const text = meanSd(cell);
  return cell.mean >= 0 ? `+${text}` : text;
}

function summaryCells(rows: readonly SummaryRow[]): string[][] {
  const head = ['row', ...SUMMARY_METRICS.slice(0, 1).map((m) => m.head), 'vs untrained', ...SUMMARY_METRICS.slice(1).map((m) => m.head)];
  return [
    head,
    ...rows.map((row) => [
      row.label,
      meanSd(row.cells.linearAcc),
      row.kind === 'run' ? signed(row.linearGain) : '–',
      ...SUMMARY_METRICS.slice(1).map((m) => meanSd(row.cells[m.key])),
    ]),
  ];
}

/** Mean ± sd over seeds, aligned for the terminal. */
export function formatSummaryTable(rows: readonly SummaryRow[], seeds: number): string {
  return [`mean ± sd over ${seeds} seed${seeds === 1 ? '' : 's'}`, ...aligned(summaryCells(rows))].join('\n');
}

/** The same summary as a Markdown table. */
export function formatSummaryMarkdown(rows: readonly SummaryRow[]): string {
  const [head, ...body] = summaryCells(rows);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}
