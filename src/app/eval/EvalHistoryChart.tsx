// How the selected run's evaluations moved over training: every [0, 1] metric on the left axis, test
// bits/dim on the right.

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalRecord } from './evalStore';
import { formatMetric } from './evalView';

const SERIES = [
  { key: 'linearAcc', name: 'linear acc.', color: '#2563eb' },
  { key: 'knnAcc', name: 'kNN acc.', color: '#0891b2' },
  { key: 'oodAurocBpd', name: 'AUROC bpd', color: '#9333ea' },
  { key: 'oodAurocFeature', name: 'AUROC feature', color: '#db2777' },
  { key: 'corruptionAcc', name: 'corruption acc.', color: '#ea580c' },
  { key: 'ece', name: 'ECE', color: '#6b7280' },
] as const;

export function EvalHistoryChart({ runId, records }: { runId: string | null; records: EvalRecord[] }) {
  const last = records[records.length - 1];
  const data = records.map((r) => ({
    step: r.step,
    testBpd: r.results.testBpd,
    ...Object.fromEntries(SERIES.map((s) => [s.key, r.results[s.key]])),
  }));
  return (
    <section className="panel chart" data-testid="eval-history-chart" data-value={records.length} aria-label="Evaluation history">
      <h2>Evaluations over steps{runId ? ` · ${runId}` : ''}</h2>
      {last && (
        <p className="visually-hidden" data-testid="eval-history-text">
          {`Latest, step ${last.step}: ${[...SERIES.map((s) => `${s.name} ${formatMetric(last.results[s.key])}`), `test bits/dim ${formatMetric(last.results.testBpd)}`].join(', ')}`}
        </p>
      )}
      {records.length === 0 ? (
        <p className="eval-note">No evaluation of this run yet.</p>
      ) : (
        <ResponsiveContainer width="100%" height={240}>
          <LineChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} />
            <YAxis yAxisId="rate" domain={[0, 1]} width={48} />
            <YAxis yAxisId="bpd" orientation="right" domain={['auto', 'auto']} width={48} tickFormatter={(v: number) => v.toPrecision(3)} />
            <Tooltip isAnimationActive={false} formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))} />
            <Legend />
            {SERIES.map((s) => (
              <Line key={s.key} yAxisId="rate" dataKey={s.key} name={s.name} stroke={s.color} isAnimationActive={false} connectNulls dot />
            ))}
            <Line
              yAxisId="bpd"
              dataKey="testBpd"
              name="test bits/dim"
              stroke="#16a34a"
              strokeDasharray="5 3"
              isAnimationActive={false}
              dot
            />
          </LineChart>
        </ResponsiveContainer>
      )}
    </section>
  );
}
