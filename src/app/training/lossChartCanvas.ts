// Paints a ChartModel on a 2D canvas: grid and ticks, one polyline per run, fork dots, dashed lines
// where the selected run's hyperparameters changed, and the hover cursor. A redraw of four runs'
// curves is a few hundred path segments, well under a millisecond; the SVG chart it replaces
// rebuilt thousands of React elements on every new step.

import { clearedHiDpiContext } from '../common/hiDpiCanvas';
import { MARGIN, type ChartModel } from './lossChartModel';

const GRID = '#e5e7eb';
const AXIS_TEXT = '#4b5563';
const FONT = '11px system-ui, sans-serif';

/** Sizes the canvas for the device pixel ratio and paints the model; `hoverStep` draws the cursor. */
export function paintLossChart(canvas: HTMLCanvasElement, model: ChartModel | null, hoverStep: number | null): void {
  const surface = clearedHiDpiContext(canvas);
  if (!surface || !model) return;
  const { ctx } = surface;
  const { x, y } = model;
  const [left, right] = x.range();
  const [bottom, top] = y.range();
  ctx.font = FONT;

  // Grid and tick labels.
  ctx.strokeStyle = GRID;
  ctx.lineWidth = 1;
  ctx.setLineDash([3, 3]);
  ctx.beginPath();
  for (const tick of model.yTicks) {
    const py = Math.round(y(tick.value)) + 0.5;
    ctx.moveTo(left, py);
    ctx.lineTo(right, py);
  }
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = AXIS_TEXT;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const tick of model.yTicks) if (tick.label) ctx.fillText(tick.label, MARGIN.left - 6, y(tick.value));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const step of model.xTicks) ctx.fillText(String(step), x(step), bottom + 6);
  ctx.strokeStyle = '#9ca3af';
  ctx.beginPath();
  ctx.moveTo(left, bottom + 0.5);
  ctx.lineTo(right, bottom + 0.5);
  ctx.stroke();

  // Curves, clipped to the plot area (a log axis may cut off nothing, a rewound run may leave gaps).
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top - 4, right - left, bottom - top + 8);
  ctx.clip();
  ctx.lineJoin = 'round';
  for (const series of model.series) {
    if (series.points.length === 0) continue;
    ctx.strokeStyle = series.color;
    ctx.globalAlpha = series.selected ? 1 : 0.6;
    ctx.lineWidth = series.selected ? 2.5 : 1.2;
    ctx.beginPath();
    series.points.forEach((p, i) => (i === 0 ? ctx.moveTo(x(p.step), y(p[model.metric])) : ctx.lineTo(x(p.step), y(p[model.metric]))));
    if (series.points.length === 1) ctx.arc(x(series.points[0].step), y(series.points[0][model.metric]), 1.5, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  ctx.restore();

  // The selected run's hyperparameter changes: dashed, with a gear above the plot.
  ctx.strokeStyle = model.changeColor;
  ctx.fillStyle = model.changeColor;
  ctx.lineWidth = 1;
  ctx.setLineDash([4, 2]);
  ctx.textBaseline = 'bottom';
  for (const change of model.changes) {
    const px = Math.round(x(change.step)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, bottom);
    ctx.stroke();
    ctx.fillText('⚙', px, top);
  }
  ctx.setLineDash([]);

  // Fork points: a dot in the fork's colour on the parent's curve.
  for (const fork of model.forks) {
    ctx.beginPath();
    ctx.arc(x(fork.step), y(fork.value), 5, 0, 2 * Math.PI);
    ctx.fillStyle = fork.color;
    ctx.fill();
    ctx.strokeStyle = '#111';
    ctx.stroke();
  }

  if (hoverStep !== null) {
    const px = Math.round(x(hoverStep)) + 0.5;
    ctx.strokeStyle = '#6b7280';
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, bottom);
    ctx.stroke();
  }
}
