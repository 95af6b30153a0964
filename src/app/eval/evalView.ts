// Pure shaping of evaluation results for the Evaluation panel: the trade-off plot's points, table
// rows, and number formatting. Kept out of the components so it is tested without a DOM.

import type { EvalResults } from '../../eval/evalTypes';
import { latestEval, type EvalRecord, type EvalState } from './evalStore';
import type { RunView } from '../training/runView';

/** Which OOD score the trade-off plot's y axis shows. */
export type OodScoreKey = 'oodAurocFeature' | 'oodAurocBpd';

export const OOD_SCORE_LABELS: Record<OodScoreKey, string> = {
  oodAurocFeature: 'OOD AUROC, feature score (1 − max cosine to train)',
  oodAurocBpd: 'OOD AUROC, bits/dim score',
};

export interface TradeoffPoint {
  runId: string;
  color: string;
  step: number;
  x: number;
  y: number;
}

/** One point per run that has a latest evaluation with both numbers (unlabelled data has no x). */
export function tradeoffPoints(runs: readonly RunView[], evals: EvalState, key: OodScoreKey): TradeoffPoint[] {
  const points: TradeoffPoint[] = [];
  for (const run of runs) {
    const record = latestEval(evals, run.id);
    const x = record?.results.linearAcc;
    const y = record?.results[key];
    if (record && typeof x === 'number' && typeof y === 'number') points.push({ runId: run.id, color: run.color, step: record.step, x, y });
  }
  return points;
}

export interface TableRow {
  run: RunView;
  record: EvalRecord | null;
}

/** Every run, with its latest evaluation or null. */
export function tableRows(runs: readonly RunView[], evals: EvalState): TableRow[] {
  return runs.map((run) => ({ run, record: latestEval(evals, run.id) }));
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
