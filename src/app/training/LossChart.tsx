// Loss curves of every run overlaid, each in its run's colour, the selected run drawn bold. One metric
// at a time: four runs × three losses would be twelve tangled lines. Fork points are marked (a dot on
// the parent's curve in the fork's colour) and the selected run's hyperparameter changes are dashed.
//
// The curves stream, so they are painted on a canvas (lossChartCanvas.ts) in an animation frame, not
// rebuilt as an SVG tree by React on every step: a new step costs one cheap repaint and no long task.
// Hover (or focus and the arrow keys) shows every run's value at a step; a visually hidden table gives
// the latest values as text.

import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { paintLossChart } from './lossChartCanvas';
import {
  buildChartModel,
  describeHyper,
  indexNear,
  METRICS,
  readoutAt,
  stepAt,
  stepOfNumber,
  tooltipPlacement,
  type ChartModel,
  type MetricKey,
} from './lossChartModel';
import type { RunView } from './runView';

const HEIGHT = 260;
/** Marks within this many pixels of the cursor are listed in the readout. */
const MARK_TOLERANCE_PX = 6;

const format = (v: number) => (Math.abs(v) >= 1000 || Math.abs(v) < 0.001 ? v.toExponential(3) : v.toFixed(4));

function LatestValues({ runs }: { runs: RunView[] }) {
  return (
    <table className="visually-hidden" data-testid="loss-chart-text">
      <caption>Latest values of each run</caption>
      <thead>
        <tr>
          <th scope="col">run</th>
          <th scope="col">step</th>
          {METRICS.map((m) => (
            <th scope="col" key={m.key}>
              {m.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const last = run.history[run.history.length - 1];
          return (
            <tr key={run.id}>
              <th scope="row">
                {run.id}
                {run.forkedFrom ? ` (fork of ${run.forkedFrom.runId} at step ${run.forkedFrom.step})` : ''}
              </th>
              <td>{last ? last.step : 'no step yet'}</td>
              {METRICS.map((m) => (
                <td key={m.key}>{last ? format(last[m.key]) : '–'}</td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Tooltip({ model, runs, step }: { model: ChartModel; runs: RunView[]; step: number }) {
  const tolerance = Math.abs(model.x.invert(MARK_TOLERANCE_PX) - model.x.invert(0));
  const readout = readoutAt(model, runs, step, tolerance);
  return (
    <div className="chart-tooltip" data-testid="loss-chart-tooltip" style={tooltipPlacement(model, step)}>
      <strong>step {readout.step}</strong>
      {readout.values.map((v) => (
        <div key={v.runId}>
          <span className="swatch" style={{ background: v.color }} /> {v.runId}: {format(v.value)}
          {v.step !== readout.step ? ` (step ${v.step})` : ''}
        </div>
      ))}
      {readout.forks.map((f) => (
        <div key={`fork-${f.runId}`}>
          ● {f.runId} forked from {f.parentId} here (step {f.step})
        </div>
      ))}
      {readout.changes.map((c) => (
        <div key={`change-${c.step}`}>
          ⚙ from step {c.step}: {describeHyper(c)}
        </div>
      ))}
    </div>
  );
}

export function LossChart({ runs, selectedRunId }: { runs: RunView[]; selectedRunId: string | null }) {
  const [logScale, setLogScale] = useState(false);
  const [metric, setMetric] = useState<MetricKey>('bitsPerDim');
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<{ step: number } | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const frameRef = useRef<number | null>(null);
  const selected = runs.find((r) => r.id === selectedRunId) ?? null;
  // Histories grow in place, and the store's version also moves for events that change no curve
  // (status, evaluations): the model is rebuilt only when what it draws changed, this key.
  const dataKey = runs.map((r) => `${r.id}:${r.history.length}:${r.color}:${r.hyperChanges.length}`).join('|') + `#${selectedRunId}`;
  const model = useMemo(
    () => (width > 0 ? buildChartModel(runs, selectedRunId, metric, logScale, width, HEIGHT) : null),
    [dataKey, metric, logScale, width], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const paintRef = useRef<{ model: ChartModel | null; hoverStep: number | null }>({ model: null, hoverStep: null });

  const paint = useCallback(() => {
    frameRef.current = null;
    const canvas = canvasRef.current;
    if (!canvas) return;
    const started = performance.now();
    paintLossChart(canvas, paintRef.current.model, paintRef.current.hoverStep);
    // For scripts/bench-views.mjs (a PerformanceObserver sees it); cleared so a long session keeps no buffer.
    performance.measure('loss-chart-draw', { start: started });
    performance.clearMeasures('loss-chart-draw');
  }, []);

  useEffect(() => {
    paintRef.current = { model, hoverStep: hover?.step ?? null };
    if (frameRef.current === null) frameRef.current = requestAnimationFrame(paint);
  }, [model, hover, paint]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const observer = new ResizeObserver(() => setWidth(Math.round(canvas.clientWidth)));
    observer.observe(canvas);
    return () => {
      observer.disconnect();
      if (frameRef.current !== null) cancelAnimationFrame(frameRef.current);
      frameRef.current = null;
    };
  }, []);

  const hoverAt = (step: number) => setHover({ step });
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    if (!model) return;
    const rect = event.currentTarget.getBoundingClientRect();
    hoverAt(stepAt(model, event.clientX - rect.left));
  };
  // The keyboard walks the steps that have a point or a mark.
  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const steps = model?.steps ?? [];
    if (steps.length === 0) return;
    const last = steps.length - 1;
    const at = hover ? indexNear(steps, hover.step, stepOfNumber) : last;
    const target: Record<string, number> = {
      ArrowLeft: hover ? Math.max(0, at - 1) : last,
      ArrowRight: hover ? Math.min(last, at + 1) : last,
      Home: 0,
      End: last,
    };
    if (event.key === 'Escape') setHover(null);
    else if (event.key in target) hoverAt(steps[target[event.key]]);
    else return;
    event.preventDefault();
  };

  const metricLabel = METRICS.find((m) => m.key === metric)?.label ?? metric;
  const [first, last] = model ? model.x.domain() : [0, 0];
  const summary = model
    ? `${metricLabel} of ${model.series.length} run${model.series.length === 1 ? '' : 's'}, steps ${Math.round(first)} to ${Math.round(last)}` +
      `${logScale ? ', log scale' : ''}. Arrow keys read the values at a step; the latest values are in the table that follows.`
    : `${metricLabel}: no step yet.`;
  return (
    <section
      className="panel chart"
      data-testid="loss-chart"
      data-value={selected?.history.length ?? 0}
      data-series={model?.series.filter((s) => s.points.length > 0).length ?? 0}
      data-fork-marks={model?.forks.length ?? 0}
      data-hyper-marks={model?.changes.length ?? 0}
      data-y-scale={logScale ? 'log' : 'linear'}
      aria-label="Loss curves"
    >
      <header className="panel-header">
        <h2>Losses</h2>
        <div className="chart-options">
          <select
            value={metric}
            onChange={(e) => setMetric(e.currentTarget.value as MetricKey)}
            aria-label="Metric"
            data-testid="loss-metric"
          >
            {METRICS.map((m) => (
              <option key={m.key} value={m.key}>
                {m.label}
              </option>
            ))}
          </select>
          <label className="toggle">
            <input type="checkbox" data-testid="loss-log-scale" checked={logScale} onChange={(e) => setLogScale(e.currentTarget.checked)} />
            log scale
          </label>
        </div>
      </header>
      <div className="loss-plot">
        <canvas
          ref={canvasRef}
          style={{ width: '100%', height: HEIGHT }}
          role="img"
          aria-label={summary}
          tabIndex={0}
          onPointerMove={onPointerMove}
          onPointerLeave={() => setHover(null)}
          onKeyDown={onKeyDown}
          onBlur={() => setHover(null)}
        />
        {model && hover && <Tooltip model={model} runs={runs} step={hover.step} />}
      </div>
      <ul className="legend chart-legend" aria-hidden>
        {model?.series
          .slice()
          .sort((a, b) => a.runId.localeCompare(b.runId))
          .map((s) => (
            <li key={s.runId} className={`legend-item${s.selected ? ' selected' : ''}`}>
              <span className="swatch" style={{ background: s.color }} /> {s.runId}
            </li>
          ))}
      </ul>
      <LatestValues runs={runs} />
      {model && model.forks.length + model.changes.length > 0 && (
        <ul className="visually-hidden" data-testid="loss-chart-marks">
          {model.forks.map((f) => (
            <li key={`fork-${f.runId}`}>{`${f.runId} forked from ${f.parentId} at step ${f.step}`}</li>
          ))}
          {model.changes.map((c) => (
            <li key={`change-${c.step}`}>{`${selectedRunId} from step ${c.step}: ${describeHyper(c)}`}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
