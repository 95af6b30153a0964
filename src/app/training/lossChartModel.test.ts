import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../config';
import { buildChartModel, forkMarks, indexNear, MARGIN, readoutAt, stepAt, stepOfNumber, tooltipPlacement } from './lossChartModel';
import type { MetricPoint, RunView } from './runView';

function point(step: number, bitsPerDim: number, lossCon = 1): MetricPoint {
  return { step, bitsPerDim, lossCon, lossTotal: bitsPerDim + lossCon, conTop1: 0, imagesPerSec: 0, msPerStep: 0 };
}

function run(id: string, history: MetricPoint[], extra: Partial<RunView> = {}): RunView {
  const config = presetConfig('tiny');
  return {
    id,
    config,
    status: 'training',
    step: history[history.length - 1]?.step ?? 0,
    hyper: config.hyper,
    history,
    hyperChanges: [],
    lastHyperUsed: null,
    color: id === 'run-1' ? '#0072b2' : '#d55e00',
    forkedFrom: null,
    ...extra,
  };
}

describe('indexNear', () => {
  const steps = [1, 3, 7];
  it('finds the nearest step, the earlier one on a tie, and clamps at both ends', () => {
    expect(indexNear(steps, 3, stepOfNumber)).toBe(1);
    expect(indexNear(steps, 5, stepOfNumber)).toBe(1);
    expect(indexNear(steps, 6, stepOfNumber)).toBe(2);
    expect(indexNear(steps, -4, stepOfNumber)).toBe(0);
    expect(indexNear(steps, 100, stepOfNumber)).toBe(2);
    expect(indexNear([], 1, stepOfNumber)).toBe(-1);
  });
});

describe('buildChartModel', () => {
  it('is null before any run has a point', () => {
    expect(buildChartModel([run('run-1', [])], 'run-1', 'bitsPerDim', false, 600, 260)).toBeNull();
  });

  it('spans the steps of every run, draws the selected run last and maps the domain onto the plot area', () => {
    const runs = [run('run-1', [point(1, 8), point(2, 7), point(3, 6)]), run('run-2', [point(1, 9), point(2, 5)])];
    const model = buildChartModel(runs, 'run-1', 'bitsPerDim', false, 600, 260);
    if (!model) throw new Error('no model');
    expect(model.series.map((s) => s.runId)).toEqual(['run-2', 'run-1']);
    expect(model.x.domain()).toEqual([1, 3]);
    expect(model.x(1)).toBe(MARGIN.left);
    expect(model.x(3)).toBe(600 - MARGIN.right);
    // A linear axis is extended to round ticks: 5..9 stays 5..9.
    expect(model.y.domain()).toEqual([5, 9]);
    expect(model.y(5)).toBe(260 - MARGIN.bottom);
    expect(model.yTicks.map((t) => t.value)).toEqual([5, 6, 7, 8, 9]);
    expect(model.xTicks).toEqual([1, 2, 3]);
  });

  it('on a log axis leaves out values that are not positive and keeps the domain positive', () => {
    const runs = [run('run-1', [point(1, 4, -2), point(2, 4, 0.5), point(3, 4, 2)])];
    const model = buildChartModel(runs, 'run-1', 'lossCon', true, 600, 260);
    if (!model) throw new Error('no model');
    expect(model.series[0].points.map((p) => p.step)).toEqual([2, 3]);
    const [lo, hi] = model.y.domain();
    expect(lo).toBeCloseTo(0.5 / 1.05, 12);
    expect(hi).toBeCloseTo(2 * 1.05, 12);
    // Equal ratios are equal distances on a log axis.
    expect(model.y(0.5) - model.y(1)).toBeCloseTo(model.y(1) - model.y(2), 9);
  });

  it('shares 800 points between the runs however long they trained', () => {
    const long = Array.from({ length: 5000 }, (_, i) => point(i + 1, 5 + 1 / (i + 1)));
    const runs = [run('run-1', long), run('run-2', long), run('run-3', long), run('run-4', long)];
    const model = buildChartModel(runs, 'run-1', 'bitsPerDim', false, 600, 260);
    expect(model?.series.map((s) => s.points.length)).toEqual([200, 200, 200, 200]);
    expect(model?.series[0].points[199].step).toBe(5000);
  });

  it("marks a fork on its parent's curve and the selected run's hyperparameter changes", () => {
    const parent = run('run-1', [point(1, 8), point(2, 7), point(3, 6)]);
    const hyper = { ...parent.hyper, lambdaCon: 0 };
    const child = run('run-2', [point(4, 6.5)], { forkedFrom: { runId: 'run-1', step: 2 }, hyperChanges: [{ step: 4, hyper }] });
    expect(forkMarks([parent, child], 'bitsPerDim')).toEqual([
      { runId: 'run-2', parentId: 'run-1', color: child.color, step: 2, value: 7 },
    ]);
    const model = buildChartModel([parent, child], 'run-2', 'bitsPerDim', false, 600, 260);
    expect(model?.changes).toEqual([{ step: 4, hyper }]);
    expect(model?.x.domain()).toEqual([1, 4]);
    // The keyboard stops at every drawn step and mark, even of a fork with no step of its own yet.
    expect(model?.steps).toEqual([1, 2, 3, 4]);
    expect(buildChartModel([parent, { ...child, history: [] }], 'run-2', 'bitsPerDim', false, 600, 260)?.steps).toEqual([1, 2, 3, 4]);
    // Another selection shows that run's changes, here none.
    expect(buildChartModel([parent, child], 'run-1', 'bitsPerDim', false, 600, 260)?.changes).toEqual([]);
  });
});

describe('readoutAt and stepAt', () => {
  const long = Array.from({ length: 2000 }, (_, i) => point(i + 1, 1000 - i / 2));
  const runs = [run('run-1', long), run('run-2', [point(1, 9), point(10, 8)], { forkedFrom: { runId: 'run-1', step: 10 } })];
  const model = buildChartModel(runs, 'run-1', 'bitsPerDim', false, 600, 260);
  if (!model) throw new Error('no model');

  it('reads each run at its nearest recorded step from the full history, not the downsampled curve', () => {
    // Step 1001 is not among run-1's 400 drawn points, but the readout has its exact value.
    expect(model.series.find((s) => s.runId === 'run-1')?.points.some((p) => p.step === 1001)).toBe(false);
    const readout = readoutAt(model, runs, 1001);
    expect(readout.values).toEqual([
      { runId: 'run-1', color: '#0072b2', step: 1001, value: 500 },
      { runId: 'run-2', color: '#d55e00', step: 10, value: 8 },
    ]);
    expect(readout.forks).toEqual([]);
  });

  it('lists the marks within the tolerance', () => {
    expect(readoutAt(model, runs, 12, 2).forks.map((f) => f.runId)).toEqual(['run-2']);
    expect(readoutAt(model, runs, 13, 2).forks).toEqual([]);
  });

  it('turns a pixel into a step inside the domain', () => {
    expect(stepAt(model, MARGIN.left)).toBe(1);
    expect(stepAt(model, 0)).toBe(1);
    expect(stepAt(model, 10_000)).toBe(2000);
    expect(stepAt(model, model.x(1234))).toBe(1234);
  });
});

describe('tooltipPlacement', () => {
  it('keeps the readout beside its step as new steps squeeze the axis, and flips it in the right half', () => {
    const history = Array.from({ length: 11 }, (_, i) => point(i, 8 - i / 10));
    const before = buildChartModel([run('run-1', history)], 'run-1', 'bitsPerDim', false, 600, 260);
    const after = buildChartModel([run('run-1', [...history, point(20, 6)])], 'run-1', 'bitsPerDim', false, 600, 260);
    if (!before || !after) throw new Error('no model');
    // Plot area 56..584: step 10 is the right edge of 0..10 (x 584) and the middle of 0..20 (x 320).
    expect(tooltipPlacement(before, 10)).toEqual({ right: 600 - 584 + 10 });
    expect(tooltipPlacement(after, 10)).toEqual({ right: 600 - 320 + 10 });
    expect(tooltipPlacement(before, 5)).toEqual({ right: 600 - 320 + 10 });
    expect(tooltipPlacement(after, 5)).toEqual({ left: 56 + 132 + 10 });
  });
});
