// Loss curves of every run overlaid, each in its run's colour, the selected run drawn bold. One metric
// at a time: four runs × three losses would be twelve tangled lines. Fork points are marked (a dot on
// the parent's curve in the fork's colour) and the selected run's hyperparameter changes are dashed.

import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceDot, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { downsample } from './downsample';
import type { MetricPoint, RunView } from './runView';

const MAX_POINTS = 800;

type MetricKey = 'lossTotal' | 'lossCon' | 'bitsPerDim';

// bits/dim first: every run reports it (λ_gen = 0 still measures it), so it compares all runs.
const METRICS: { key: MetricKey; label: string }[] = [
  { key: 'bitsPerDim', label: 'bits/dim (L_gen)' },
  { key: 'lossCon', label: 'L_con' },
  { key: 'lossTotal', label: 'total loss' },
];

function describeChange(hyper: RunView['hyperChanges'][number]['hyper']): string {
  return `λc=${hyper.lambdaCon} λg=${hyper.lambdaGen} τ=${hyper.tau} lr=${hyper.lr}`;
}

interface ForkMark {
  runId: string;
  color: string;
  step: number;
  value: number;
}

/** Where each fork leaves its parent: the parent's value at the fork step (or the fork's first). */
function forkMarks(runs: RunView[], metric: MetricKey): ForkMark[] {
  const marks: ForkMark[] = [];
  for (const run of runs) {
    if (!run.forkedFrom) continue;
    const { runId, step } = run.forkedFrom;
    const parent = runs.find((r) => r.id === runId);
    const at = parent?.history.find((p) => p.step === step) ?? run.history[0];
    const value = at?.[metric];
    if (value !== undefined && Number.isFinite(value)) marks.push({ runId: run.id, color: run.color, step, value });
  }
  return marks;
}

export function LossChart({ runs, selectedRunId }: { runs: RunView[]; selectedRunId: string | null }) {
  const [logScale, setLogScale] = useState(false);
  const [metric, setMetric] = useState<MetricKey>('bitsPerDim');
  const selected = runs.find((r) => r.id === selectedRunId) ?? null;
  const length = selected?.history.length ?? 0;
  // Histories grow in place, and the store's version also moves for events that change no curve
  // (status, evaluations). Recharts re-renders cost tens of ms of main thread, so the chart is
  // rebuilt only when what it draws changed: this key.
  const dataKey = runs.map((r) => `${r.id}:${r.history.length}:${r.color}:${r.hyperChanges.length}`).join('|') + `#${selectedRunId}`;
  const chart = useMemo(() => {
    const perRun = Math.max(50, Math.floor(MAX_POINTS / Math.max(1, runs.length)));
    const usable = (p: MetricPoint) => Number.isFinite(p[metric]) && (!logScale || p[metric] > 0);
    const series = runs.map((run) => ({ run, points: downsample(run.history.filter(usable), perRun) }));
    const marks = forkMarks(runs, metric);
    // The selected run last, so it is drawn on top.
    const ordered = [...series.filter((s) => s.run.id !== selectedRunId), ...series.filter((s) => s.run.id === selectedRunId)];
    return (
      <ResponsiveContainer width="100%" height={260}>
        <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} allowDuplicatedCategory={false} />
          <YAxis
            scale={logScale ? 'log' : 'linear'}
            domain={['auto', 'auto']}
            allowDataOverflow
            width={56}
            tickFormatter={(v: number) => v.toPrecision(3)}
          />
          <Tooltip isAnimationActive={false} formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} />
          <Legend />
          {ordered.map(({ run, points }) => (
            <Line
              key={run.id}
              data={points}
              dataKey={metric}
              name={run.id}
              stroke={run.color}
              dot={false}
              isAnimationActive={false}
              strokeWidth={run.id === selectedRunId ? 2.5 : 1.2}
              strokeOpacity={run.id === selectedRunId ? 1 : 0.6}
            />
          ))}
          {marks.map((mark) => (
            <ReferenceDot key={mark.runId} x={mark.step} y={mark.value} r={5} fill={mark.color} stroke="#111" ifOverflow="extendDomain">
              <title>{`${mark.runId} forked here (step ${mark.step})`}</title>
            </ReferenceDot>
          ))}
          {selected?.hyperChanges.map((change) => (
            <ReferenceLine
              key={change.step}
              x={change.step}
              stroke={selected.color}
              strokeDasharray="4 2"
              label={{ value: '⚙', position: 'top' }}
              ifOverflow="extendDomain"
            >
              <title>{describeChange(change.hyper)}</title>
            </ReferenceLine>
          ))}
        </LineChart>
      </ResponsiveContainer>
    );
  }, [dataKey, metric, logScale]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <section className="panel chart" data-testid="loss-chart" data-value={length} aria-label="Loss curves">
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
      {chart}
    </section>
  );
}
