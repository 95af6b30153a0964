// The trade-off plot of docs/evaluations.md: x = linear-probe accuracy, y = OOD AUROC, one point per run in the
// run's colour, at its latest evaluation. The y score is switchable: the feature score by default,
// because it means the same for every weighting, while the bits/dim score of a run trained with
// λ_gen = 0 comes from a decoder that never learned anything.

import { useState } from 'react';
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalState } from './evalStore';
import { OOD_SCORE_LABELS, tradeoffPoints, type OodScoreKey, type TradeoffPoint } from './evalView';
import type { RunView } from '../training/runView';

function pointShape(point: TradeoffPoint) {
  // A custom shape so each point carries a test id and its run (Recharts' own symbols carry neither).
  const Shape = (props: { cx?: number; cy?: number }) => (
    <circle
      cx={props.cx}
      cy={props.cy}
      r={7}
      fill={point.color}
      stroke="#111827"
      strokeWidth={1}
      data-testid="tradeoff-point"
      data-run={point.runId}
    />
  );
  return Shape;
}

export function TradeoffPlot({ runs, evals }: { runs: RunView[]; evals: EvalState }) {
  const [scoreKey, setScoreKey] = useState<OodScoreKey>('oodAurocFeature');
  const points = tradeoffPoints(runs, evals, scoreKey);
  return (
    <section className="panel chart" data-testid="tradeoff-plot" data-value={points.length} aria-label="Trade-off plot">
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
      <ResponsiveContainer width="100%" height={280}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="x"
            name="linear-probe accuracy"
            domain={[0, 1]}
            label={{ value: 'linear-probe accuracy', position: 'bottom', offset: 4 }}
          />
          <YAxis
            type="number"
            dataKey="y"
            name="OOD AUROC"
            domain={[0, 1]}
            width={48}
            label={{ value: 'OOD AUROC', angle: -90, position: 'insideLeft' }}
          />
          <Tooltip isAnimationActive={false} formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))} />
          <Legend verticalAlign="top" />
          {points.map((point) => (
            <Scatter
              key={point.runId}
              name={`${point.runId} (step ${point.step})`}
              data={[point]}
              fill={point.color}
              shape={pointShape(point)}
              isAnimationActive={false}
            />
          ))}
        </ScatterChart>
      </ResponsiveContainer>
      <p className="eval-note">
        y: {OOD_SCORE_LABELS[scoreKey]}. Each point is a run's latest evaluation; runs without labels have no probe accuracy and no point.
      </p>
    </section>
  );
}
