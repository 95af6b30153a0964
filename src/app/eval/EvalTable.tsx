// Every run's latest evaluation side by side: the comparison table.

import type { EvalState } from './evalStore';
import { formatMetric, tableRows } from './evalView';
import type { RunView } from '../training/runView';

export function EvalTable({ runs, evals }: { runs: RunView[]; evals: EvalState }) {
  const rows = tableRows(runs, evals);
  return (
    <table className="eval-table" data-testid="eval-table" data-value={rows.filter((r) => r.record).length}>
      <thead>
        <tr>
          <th>run</th>
          <th>λ_con / λ_gen now</th>
          <th>step</th>
          <th>linear</th>
          <th>kNN</th>
          <th>AUROC bpd</th>
          <th>AUROC feat.</th>
          <th>corr. acc.</th>
          <th>corr. / clean</th>
          <th>ECE</th>
          <th>test bpd</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ run, record }) => {
          const r = record?.results;
          return (
            <tr key={run.id}>
              <td>
                <span className="run-swatch" style={{ background: run.color }} /> {run.id}
              </td>
              <td>
                {run.hyper.lambdaCon} / {run.hyper.lambdaGen}
              </td>
              <td>{record ? record.step : 'not evaluated'}</td>
              <td>{formatMetric(r?.linearAcc)}</td>
              <td>{formatMetric(r?.knnAcc)}</td>
              <td>{formatMetric(r?.oodAurocBpd)}</td>
              <td>{formatMetric(r?.oodAurocFeature)}</td>
              <td>{formatMetric(r?.corruptionAcc)}</td>
              <td>{formatMetric(r?.corruptionRatio)}</td>
              <td>{formatMetric(r?.ece)}</td>
              <td>{formatMetric(r?.testBpd)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
