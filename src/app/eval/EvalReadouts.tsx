// The selected run's latest evaluation: the seven readouts of docs/architecture.md#test-hooks (raw number in data-value,
// empty while there is none) and, folded, the per-OOD-part and per-corruption breakdowns.

import { summariseCorruptions } from '../../eval/aggregate';
import type { ProbeStop } from '../../eval/evalTypes';
import type { EvalRecord } from './evalStore';
import { EVAL_READOUTS, formatMetric } from './evalView';

const PROBE_STOP_TEXT: Record<ProbeStop, string> = {
  converged: 'converged',
  stalled: 'stalled (the loss stopped falling before the gradient was small)',
  iterationCap: 'stopped at the iteration cap',
};

export function EvalReadouts({ record }: { record: EvalRecord | null }) {
  const results = record?.results ?? null;
  return (
    <div>
      <div className="readouts eval-readouts">
        {EVAL_READOUTS.map(({ testId, label, key, needsLabels }) => {
          const value = results ? results[key] : null;
          const number = typeof value === 'number' ? value : null;
          const text = number !== null ? formatMetric(number) : results && needsLabels && results.needsLabels ? 'needs labels' : '–';
          return (
            <div className="readout" key={testId}>
              <span className="readout-label">{label}</span>
              <span
                className="readout-value"
                data-testid={testId}
                data-value={number ?? ''}
                title={needsLabels && results?.needsLabels ? results.needsLabels : undefined}
              >
                {text}
              </span>
            </div>
          );
        })}
      </div>
      {record && results && <EvalDetails step={record.step} record={record} />}
    </div>
  );
}

function EvalDetails({ step, record }: { step: number; record: EvalRecord }) {
  const r = record.results;
  const summary = r.corruptions.length > 0 && r.linearAcc !== null ? summariseCorruptions(r.corruptions, r.linearAcc) : null;
  return (
    <details className="eval-details">
      <summary>
        step {step}: {r.sizes.train} train / {r.sizes.test} test / {r.sizes.ood} OOD images, {r.seconds.toFixed(1)} s
        {r.corruptionRatio !== null && ` · corruption acc. / clean = ${formatMetric(r.corruptionRatio)}`}
      </summary>
      {r.needsLabels && <p className="eval-note">{r.needsLabels}</p>}
      <table className="eval-table compact">
        <thead>
          <tr>
            <th>OOD part</th>
            <th>images</th>
            <th>AUROC bits/dim</th>
            <th>AUROC feature</th>
          </tr>
        </thead>
        <tbody>
          {r.oodParts.map((part) => (
            <tr key={part.name}>
              <td>{part.name}</td>
              <td>{part.count}</td>
              <td>{formatMetric(part.aurocBpd)}</td>
              <td>{formatMetric(part.aurocFeature)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {summary && (
        <table className="eval-table compact">
          <thead>
            <tr>
              <th>corruption</th>
              <th>mean acc. (severities 1–5)</th>
            </tr>
          </thead>
          <tbody>
            {summary.byKind.map((k) => (
              <tr key={k.kind}>
                <td>{k.kind}</td>
                <td>{formatMetric(k.accuracy)}</td>
              </tr>
            ))}
            <tr>
              <td>by severity 1…5</td>
              <td>{summary.bySeverity.map((s) => formatMetric(s.accuracy, 2)).join(' · ')}</td>
            </tr>
          </tbody>
        </table>
      )}
      {r.probe && (
        <p className="eval-note">
          Linear probe: {r.probe.iterations} L-BFGS iterations, {PROBE_STOP_TEXT[r.probe.stop]}.
        </p>
      )}
    </details>
  );
}
