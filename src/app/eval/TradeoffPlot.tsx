// The trade-off plot of docs/evaluations.md: x = linear-probe accuracy, y = OOD AUROC. Each run is its
// path over its evaluations in the run's colour (from its untrained network at step 0), its latest
// point large with 95% error bars; the baselines are grey squares. The y score is switchable: the
// feature score by default, because it means the same for every weighting, while the bits/dim score of
// a run trained with λ_gen = 0 comes from a decoder that never learned anything.

import { useState } from 'react';
import { CartesianGrid, ErrorBar, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalState } from './evalStore';
import { OOD_SCORE_LABELS, baselinePoints, tradeoffSeries, type BaselinePoint, type OodScoreKey, type TradeoffPoint } from './evalView';
import type { RunView } from '../training/runView';

const BASELINE_COLORS: Record<BaselinePoint['kind'], string> = { untrained: '#9ca3af', pixels: '#4b5563' };

// Zoomed to the points (and their error bars) on a 0.05 grid inside [0, 1]: runs a few points apart
// would sit on top of each other on the whole unit square.
const formatWithInterval = (value: number, halfWidth: number) => `${value.toFixed(3)} ± ${halfWidth.toFixed(3)} (95%)`;

const ZOOMED: [(min: number) => number, (max: number) => number] = [
  (min) => Math.max(0, Math.floor((min - 0.02) * 20) / 20),
  (max) => Math.min(1, Math.ceil((max + 0.02) * 20) / 20),
];

interface ShapeProps {
  cx?: number;
  cy?: number;
  payload?: TradeoffPoint;
}

function runShape(runId: string, color: string) {
  // A custom shape so each point carries a test id and its run (Recharts' own symbols carry neither).
  const Shape = ({ cx, cy, payload }: ShapeProps) =>
    payload?.latest ? (
      <circle cx={cx} cy={cy} r={7} fill={color} stroke="#111827" strokeWidth={1} data-testid="tradeoff-point" data-run={runId} />
    ) : (
      <circle cx={cx} cy={cy} r={3.5} fill={color} stroke="#111827" strokeWidth={0.5} data-testid="tradeoff-trail" data-run={runId} />
    );
  return Shape;
}

function baselineShape(point: BaselinePoint) {
  const Shape = ({ cx = 0, cy = 0 }: ShapeProps) => (
    <rect
      x={cx - 6}
      y={cy - 6}
      width={12}
      height={12}
      fill={BASELINE_COLORS[point.kind]}
      stroke="#111827"
      strokeWidth={1}
      data-testid="tradeoff-baseline"
      data-kind={point.kind}
    />
  );
  return Shape;
}

export function TradeoffPlot({ runs, evals }: { runs: RunView[]; evals: EvalState }) {
  const [scoreKey, setScoreKey] = useState<OodScoreKey>('oodAurocFeature');
  const series = tradeoffSeries(runs, evals, scoreKey);
  const baselines = baselinePoints(runs, evals, scoreKey);
  return (
    <section className="panel chart" data-testid="tradeoff-plot" data-value={series.length} aria-label="Trade-off plot">
      <header className="panel-header">
        <h2>Trade-off: discrimination vs OOD detection</h2>
        <label className="toggle">
          y axis{' '}
          <select data-testid="tradeoff-y" value={scoreKey} onChange={(e) => setScoreKey(e.currentTarget.value as OodScoreKey)}>
            <option value="oodAurocFeature">feature score</option>
            <option value="oodAurocBpd">bits/dim score</option>
          </select>
        </label>
      </header>
      <ResponsiveContainer width="100%" height={300}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="x"
            name="linear-probe accuracy"
            domain={ZOOMED}
            label={{ value: 'linear-probe accuracy', position: 'bottom', offset: 4 }}
          />
          <YAxis
            type="number"
            dataKey="y"
            name="OOD AUROC"
            domain={ZOOMED}
            width={48}
            label={{ value: 'OOD AUROC', angle: -90, position: 'insideLeft' }}
          />
          <Tooltip isAnimationActive={false} formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))} />
          <Legend verticalAlign="top" />
          {baselines.map((point) => (
            <Scatter
              key={point.key}
              name={point.label}
              data={[point]}
              fill={BASELINE_COLORS[point.kind]}
              shape={baselineShape(point)}
              isAnimationActive={false}
            >
              <ErrorBar dataKey="ex" direction="x" stroke={BASELINE_COLORS[point.kind]} isAnimationActive={false} />
              <ErrorBar dataKey="ey" direction="y" stroke={BASELINE_COLORS[point.kind]} isAnimationActive={false} />
            </Scatter>
          ))}
          {series.map((s) => (
            <Scatter
              key={s.runId}
              name={`${s.runId} (step ${s.points[s.points.length - 1].step})`}
              data={s.points}
              fill={s.color}
              line={{ stroke: s.color, strokeDasharray: '4 3' }}
              shape={runShape(s.runId, s.color)}
              isAnimationActive={false}
            >
              <ErrorBar dataKey="ex" direction="x" stroke={s.color} isAnimationActive={false} />
              <ErrorBar dataKey="ey" direction="y" stroke={s.color} isAnimationActive={false} />
            </Scatter>
          ))}
        </ScatterChart>
      </ResponsiveContainer>
      <ul className="visually-hidden" data-testid="tradeoff-text">
        {series.map((s) => {
          const p = s.points[s.points.length - 1];
          return (
            <li
              key={s.runId}
            >{`${s.runId} at step ${p.step}: linear-probe accuracy ${formatWithInterval(p.x, p.ex)}, OOD AUROC ${formatWithInterval(p.y, p.ey)}`}</li>
          );
        })}
        {baselines.map((b) => (
          <li
            key={b.key}
          >{`${b.label}: linear-probe accuracy ${formatWithInterval(b.x, b.ex)}, OOD AUROC ${formatWithInterval(b.y, b.ey)}`}</li>
        ))}
      </ul>
      <p className="eval-note">
        y: {OOD_SCORE_LABELS[scoreKey]}. Each run is its path over its evaluations (dashed, from its untrained network), its latest point
        large with 95% error bars; squares are the baselines. Runs without labels have no probe accuracy and no point.
      </p>
    </section>
  );
}
