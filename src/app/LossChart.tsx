// Loss curves of the selected run, downsampled, with a marker wherever the hyperparameters changed.

import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { downsample } from './downsample';
import type { RunView } from './trainerStore';

const MAX_POINTS = 400;

const SERIES = [
  { key: 'lossTotal', name: 'total', color: '#2563eb' },
  { key: 'lossCon', name: 'L_con', color: '#dc2626' },
  { key: 'bitsPerDim', name: 'bits/dim', color: '#16a34a' },
] as const;

function describeChange(hyper: RunView['hyperChanges'][number]['hyper']): string {
  return `λc=${hyper.lambdaCon} λg=${hyper.lambdaGen} τ=${hyper.tau} lr=${hyper.lr}`;
}

export function LossChart({ run, version }: { run: RunView | null; version: number }) {
  const [logScale, setLogScale] = useState(false);
  const length = run?.history.length ?? 0;
  // The history array grows in place; the length and the store version say when it changed.
  const points = useMemo(() => (run ? downsample(run.history, MAX_POINTS) : []), [run, length, version]); // eslint-disable-line react-hooks/exhaustive-deps
  const positive = logScale ? points.filter((p) => p.lossTotal > 0 && p.lossCon > 0 && p.bitsPerDim > 0) : points;
  return (
    <section className="panel chart" data-testid="loss-chart" data-value={length} aria-label="Loss curves">
      <header className="panel-header">
        <h2>Losses</h2>
        <label className="toggle">
          <input type="checkbox" data-testid="loss-log-scale" checked={logScale} onChange={(e) => setLogScale(e.currentTarget.checked)} />
          log scale
        </label>
      </header>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={positive} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} />
          <YAxis scale={logScale ? 'log' : 'linear'} domain={['auto', 'auto']} allowDataOverflow width={56} tickFormatter={(v: number) => v.toPrecision(3)} />
          <Tooltip isAnimationActive={false} formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} />
          <Legend />
          {SERIES.map((s) => (
            <Line key={s.key} dataKey={s.key} name={s.name} stroke={s.color} dot={false} isAnimationActive={false} strokeWidth={1.5} />
          ))}
          {run?.hyperChanges.map((change) => (
            <ReferenceLine key={change.step} x={change.step} stroke="#888" strokeDasharray="4 2" label={{ value: '⚙', position: 'top' }} ifOverflow="extendDomain">
              <title>{describeChange(change.hyper)}</title>
            </ReferenceLine>
          ))}
        </LineChart>
      </ResponsiveContainer>
    </section>
  );
}
