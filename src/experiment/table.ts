// The experiment's comparison table as text, for the terminal and the closing note. Pure.

import type { ExperimentResult } from './types';

const COLUMNS: readonly { head: string; cell: (r: ExperimentResult['rows'][number]) => number | string | null }[] = [
  { head: 'weighting', cell: (r) => r.weighting },
  { head: 'λcon', cell: (r) => r.lambdaCon },
  { head: 'λgen', cell: (r) => r.lambdaGen },
  { head: 'steps', cell: (r) => r.steps },
  { head: 'linear', cell: (r) => r.results.linearAcc },
  { head: 'kNN', cell: (r) => r.results.knnAcc },
  { head: 'AUROC bpd', cell: (r) => r.results.oodAurocBpd },
  { head: 'AUROC feat', cell: (r) => r.results.oodAurocFeature },
  { head: 'corr acc', cell: (r) => r.results.corruptionAcc },
  { head: 'corr/clean', cell: (r) => r.results.corruptionRatio },
  { head: 'ECE', cell: (r) => r.results.ece },
  { head: 'test bpd', cell: (r) => r.results.testBpd },
  { head: 'train bpd', cell: (r) => r.training.bitsPerDim },
  { head: 'L_con', cell: (r) => r.training.lossCon },
];

function text(value: number | string | null): string {
  if (value === null) return '–';
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return Number.isFinite(value) ? value.toFixed(3) : String(value);
}

/** A fixed-width table, one row per run, then one line per OOD part with both AUROCs per run. */
export function formatExperimentTable(result: ExperimentResult): string {
  const cells = [COLUMNS.map((c) => c.head), ...result.rows.map((row) => COLUMNS.map((c) => text(c.cell(row))))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  const lines = cells.map((line) => line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const parts = [...new Set(result.rows.flatMap((r) => r.results.oodParts.map((p) => p.name)))];
  for (const part of parts) {
    const perRun = result.rows.map((r) => {
      const score = r.results.oodParts.find((p) => p.name === part);
      return `${r.weighting} ${score ? `${text(score.aurocBpd)}/${text(score.aurocFeature)}` : '–'}`;
    });
    lines.push(`OOD AUROC bpd/feat vs ${part}: ${perRun.join(' · ')}`);
  }
  return lines.join('\n');
}
