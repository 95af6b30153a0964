// CSV views of a run for spreadsheets and pandas: metrics per step, evaluations, embedding coordinates.
// RFC 4180 quoting; NaN/null become empty cells; text cells that a spreadsheet would run as a formula
// (class names come from a user's folder names) are prefixed with an apostrophe.

import type { EmbeddingFrame, ProbeSetPayload } from '../viewTypes';
import { METRIC_COLUMNS, type EvalRecord, type MetricRow } from './history';

type Cell = string | number | null;

function cell(value: Cell): string {
  if (value === null || (typeof value === 'number' && !Number.isFinite(value))) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\n') + '\n';
}

export function metricsCsv(rows: readonly MetricRow[]): string {
  return toCsv(
    METRIC_COLUMNS,
    rows.map((row) => METRIC_COLUMNS.map((key) => row[key])),
  );
}

const EVAL_COLUMNS = [
  'step',
  'linearAcc',
  'knnAcc',
  'oodAurocBpd',
  'oodAurocFeature',
  'corruptionAcc',
  'corruptionRatio',
  'ece',
  'testBpd',
  'seconds',
  'probeStop',
] as const;

export function evaluationsCsv(records: readonly EvalRecord[]): string {
  return toCsv(
    EVAL_COLUMNS,
    records.map(({ step, results }) => [
      step,
      results.linearAcc,
      results.knnAcc,
      results.oodAurocBpd,
      results.oodAurocFeature,
      results.corruptionAcc,
      results.corruptionRatio,
      results.ece,
      results.testBpd,
      results.seconds,
      results.probe?.stop ?? null,
    ]),
  );
}

/** One row per projected point: probe images first (with their test index and class), then OOD images. */
export function embeddingCsv(frame: EmbeddingFrame, probe: Pick<ProbeSetPayload, 'labels' | 'indices' | 'classNames'>): string {
  const rows: Cell[][] = [];
  const count = frame.coords.length / 2;
  for (let i = 0; i < count; i++) {
    const label = i < probe.labels.length ? probe.labels[i] : -1;
    rows.push([
      'probe',
      i,
      i < probe.indices.length ? probe.indices[i] : null,
      label,
      probe.classNames[label] ?? null,
      frame.coords[2 * i],
      frame.coords[2 * i + 1],
    ]);
  }
  for (let i = 0; i < frame.oodCoords.length / 2; i++) {
    rows.push(['ood', i, null, null, null, frame.oodCoords[2 * i], frame.oodCoords[2 * i + 1]]);
  }
  return toCsv(['set', 'index', 'testIndex', 'label', 'class', `${frame.method}1`, `${frame.method}2`], rows);
}
