// What the loss chart draws, computed without a DOM: the series of every run (downsampled), the
// scales and ticks (d3-scale), the fork marks and the selected run's hyperparameter changes, and what
// the hover readout says at a step. LossChart.tsx renders it; lossChartCanvas.ts paints it.

import { scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3-scale';
import { downsample } from './downsample';
import type { HyperChange, MetricPoint, RunView } from './runView';

export type MetricKey = 'lossTotal' | 'lossCon' | 'bitsPerDim';

// bits/dim first: every run reports it (λ_gen = 0 still measures it), so it compares all runs.
export const METRICS: readonly { key: MetricKey; label: string }[] = [
  { key: 'bitsPerDim', label: 'bits/dim (L_gen)' },
  { key: 'lossCon', label: 'L_con' },
  { key: 'lossTotal', label: 'total loss' },
];

/** Points drawn in all, shared between the runs: drawing cost stays flat however long runs train. */
const MAX_POINTS = 800;

export const MARGIN = { top: 18, right: 16, bottom: 24, left: 56 } as const;

export interface Series {
  runId: string;
  color: string;
  selected: boolean;
  points: MetricPoint[];
}

export interface ForkMark {
  runId: string;
  parentId: string;
  color: string;
  step: number;
  value: number;
}

export interface ChartModel {
  metric: MetricKey;
  logScale: boolean;
  width: number;
  height: number;
  /** Unselected runs first, so the selected run is drawn on top. */
  series: Series[];
  forks: ForkMark[];
  /** The selected run's hyperparameter changes, drawn as dashed lines in its colour. */
  changes: HyperChange[];
  changeColor: string;
  /** Every step with a point or a mark, ascending: where the arrow keys stop. */
  steps: number[];
  x: ScaleContinuousNumeric<number, number>;
  y: ScaleContinuousNumeric<number, number>;
  xTicks: number[];
  yTicks: { value: number; label: string }[];
}

export function describeHyper(change: HyperChange): string {
  const { lambdaCon, lambdaGen, tau, lr } = change.hyper;
  return `λc=${lambdaCon} λg=${lambdaGen} τ=${tau} lr=${lr}`;
}

const usable = (metric: MetricKey, logScale: boolean) => (p: MetricPoint) => Number.isFinite(p[metric]) && (!logScale || p[metric] > 0);

/** The index of the item nearest to `step` in a list ascending by step (the earlier on a tie); -1 when empty. */
export function indexNear<T>(items: readonly T[], step: number, stepOf: (item: T) => number): number {
  if (items.length === 0) return -1;
  let lo = 0;
  let hi = items.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stepOf(items[mid]) < step) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && step - stepOf(items[lo - 1]) <= stepOf(items[lo]) - step ? lo - 1 : lo;
}

const stepOfPoint = (p: MetricPoint) => p.step;
export const stepOfNumber = (s: number) => s;

/** Where each fork leaves its parent: the parent's value at the fork step (or the fork's first). */
export function forkMarks(runs: readonly RunView[], metric: MetricKey, logScale = false): ForkMark[] {
  const marks: ForkMark[] = [];
  for (const run of runs) {
    if (!run.forkedFrom) continue;
    const { runId: parentId, step } = run.forkedFrom;
    const parent = runs.find((r) => r.id === parentId);
    const at = parent?.history.find((p) => p.step === step) ?? run.history[0];
    if (at && usable(metric, logScale)(at)) marks.push({ runId: run.id, parentId, color: run.color, step, value: at[metric] });
  }
  return marks;
}

function extent(values: Iterable<number>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** A y domain with room around flat curves; a log domain stays positive. */
function yDomain([lo, hi]: [number, number], logScale: boolean): [number, number] {
  if (logScale) return lo === hi ? [lo / 1.5, hi * 1.5] : [lo / 1.05, hi * 1.05];
  if (lo === hi) return [lo - Math.max(0.5, Math.abs(lo) * 0.1), hi + Math.max(0.5, Math.abs(hi) * 0.1)];
  return [lo, hi];
}

/** Everything the chart draws, or null when no run has a point of this metric yet. */
export function buildChartModel(
  runs: readonly RunView[],
  selectedRunId: string | null,
  metric: MetricKey,
  logScale: boolean,
  width: number,
  height: number,
): ChartModel | null {
  const perRun = Math.max(50, Math.floor(MAX_POINTS / Math.max(1, runs.length)));
  const keep = usable(metric, logScale);
  const all = runs.map((run) => ({
    runId: run.id,
    color: run.color,
    selected: run.id === selectedRunId,
    points: downsample(run.history.filter(keep), perRun),
  }));
  const series = [...all.filter((s) => !s.selected), ...all.filter((s) => s.selected)];
  const forks = forkMarks(runs, metric, logScale);
  const selected = runs.find((r) => r.id === selectedRunId) ?? null;
  const changes = selected?.hyperChanges ?? [];
  const allSteps = [
    ...new Set([...series.flatMap((s) => s.points.map((p) => p.step)), ...forks.map((f) => f.step), ...changes.map((c) => c.step)]),
  ];
  allSteps.sort((a, b) => a - b);
  const steps = extent(allSteps);
  const values = extent([...series.flatMap((s) => s.points.map((p) => p[metric])), ...forks.map((f) => f.value)]);
  if (!steps || !values) return null;
  const x = scaleLinear()
    .domain(steps[0] === steps[1] ? [steps[0] - 1, steps[1] + 1] : steps)
    .range([MARGIN.left, Math.max(MARGIN.left + 1, width - MARGIN.right)]);
  const yRange = [Math.max(MARGIN.top + 1, height - MARGIN.bottom), MARGIN.top];
  const y = logScale
    ? scaleLog().domain(yDomain(values, true)).range(yRange)
    : scaleLinear().domain(yDomain(values, false)).range(yRange).nice();
  const yTickCount = Math.max(2, Math.floor((height - MARGIN.top - MARGIN.bottom) / 40));
  const format = logScale ? y.tickFormat(yTickCount, '.3~g') : y.tickFormat(yTickCount);
  const xTicks = x.ticks(Math.max(2, Math.floor(width / 90))).filter(Number.isInteger);
  return {
    metric,
    logScale,
    width,
    height,
    series,
    forks,
    changes,
    changeColor: selected?.color ?? '#6b7280',
    steps: allSteps,
    x,
    y,
    xTicks,
    yTicks: y.ticks(yTickCount).map((value) => ({ value, label: format(value) })),
  };
}

/** The step under a horizontal pixel position, clamped to the chart's steps. */
export function stepAt(model: ChartModel, px: number): number {
  const [lo, hi] = model.x.domain();
  return Math.round(Math.min(hi, Math.max(lo, model.x.invert(px))));
}

/**
 * Where the hover readout sits for a step: 10 px right of it, or left of it in the chart's right half.
 * Computed from the current model, so a hovered step keeps its readout beside it while new steps
 * squeeze the axis.
 */
export function tooltipPlacement(model: ChartModel, step: number): { left: number } | { right: number } {
  const px = model.x(step);
  return px > model.width / 2 ? { right: model.width - px + 10 } : { left: px + 10 };
}

export interface Readout {
  step: number;
  values: { runId: string; color: string; step: number; value: number }[];
  forks: ForkMark[];
  changes: HyperChange[];
}

/**
 * What the hover readout says at a step: each run's value at its nearest recorded step, from the full
 * history (not the downsampled curve), and the marks within `tolerance` steps.
 */
export function readoutAt(model: ChartModel, runs: readonly RunView[], step: number, tolerance = 0): Readout {
  const keep = usable(model.metric, model.logScale);
  const values: Readout['values'] = [];
  for (const s of [...model.series].reverse()) {
    const run = runs.find((r) => r.id === s.runId);
    const point = run?.history[indexNear(run.history, step, stepOfPoint)];
    if (point && keep(point)) values.push({ runId: s.runId, color: s.color, step: point.step, value: point[model.metric] });
  }
  const near = (at: number) => Math.abs(at - step) <= tolerance;
  return { step, values, forks: model.forks.filter((f) => near(f.step)), changes: model.changes.filter((c) => near(c.step)) };
}
