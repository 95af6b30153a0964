// Every run's latest evaluation side by side with the baselines (the untrained network, the raw
// pixels): the comparison table. Accuracies and AUROCs carry their 95% interval; a value is bold only
// when it beats every other row beyond chance; "gain over untrained" shows each run's difference from
// its own untrained network instead of the values (docs/evaluations.md#uncertainty).

import { useState } from 'react';
import type { EvalResults } from '../../eval/evalTypes';
import type { UncertainMetric } from '../../eval/uncertainty';
import { comparisonRows, gainOverUntrained, intervalOf, winnerOf, type ComparisonRow } from './comparison';
import type { EvalState } from './evalStore';
import { formatMetric } from './evalView';
import type { RunView } from '../training/runView';

const COLUMNS: readonly { key: keyof EvalResults; head: string; uncertain?: UncertainMetric }[] = [
  { key: 'linearAcc', head: 'linear', uncertain: 'linearAcc' },
  { key: 'knnAcc', head: 'kNN', uncertain: 'knnAcc' },
  { key: 'oodAurocBpd', head: 'AUROC bpd', uncertain: 'oodAurocBpd' },
  { key: 'oodAurocFeature', head: 'AUROC feat.', uncertain: 'oodAurocFeature' },
  { key: 'corruptionAcc', head: 'corr. acc.', uncertain: 'corruptionAcc' },
  { key: 'corruptionRatio', head: 'corr. / clean' },
  { key: 'ece', head: 'ECE' },
  { key: 'testBpd', head: 'test bpd' },
];

function ValueCell({ row, column, winner }: { row: ComparisonRow; column: (typeof COLUMNS)[number]; winner: boolean }) {
  const value = row.results?.[column.key];
  const number = typeof value === 'number' ? value : null;
  const interval = intervalOf(row.results, column.key);
  return (
    <td className={winner ? 'eval-win' : undefined} data-value={number ?? ''}>
      {formatMetric(number)}
      {interval !== null && <span className="eval-interval"> ±{interval.toFixed(3)}</span>}
    </td>
  );
}

function GainCell({ row, column }: { row: ComparisonRow; column: (typeof COLUMNS)[number] }) {
  if (row.kind !== 'run') return <ValueCell row={row} column={column} winner={false} />;
  const gain = gainOverUntrained(row, column.key);
  if (!gain) return <td>–</td>;
  const text = `${gain.delta >= 0 ? '+' : ''}${formatMetric(gain.delta)}`;
  return (
    <td
      className={gain.significant === false ? 'eval-insignificant' : undefined}
      data-value={gain.delta}
      title={gain.significant === false ? 'within chance: not a gain beyond the 95% interval' : undefined}
    >
      {text}
      {gain.significant === false && <span className="eval-interval"> n.s.</span>}
    </td>
  );
}

function RowLabel({ row }: { row: ComparisonRow }) {
  if (!row.run) return <em>{row.label}</em>;
  return (
    <>
      <span className="run-swatch" style={{ background: row.run.color }} /> {row.label}
    </>
  );
}

export function EvalTable({ runs, evals }: { runs: RunView[]; evals: EvalState }) {
  const [showGain, setShowGain] = useState(false);
  const rows = comparisonRows(runs, evals);
  const winners = new Map(COLUMNS.flatMap((c) => (c.uncertain ? [[c.key, winnerOf(rows, c.uncertain)] as const] : [])));
  return (
    <div>
      <label className="eval-setting checkbox">
        <input type="checkbox" data-testid="eval-show-gain" checked={showGain} onChange={(e) => setShowGain(e.currentTarget.checked)} />
        show each run as its gain over its untrained network
      </label>
      <table className="eval-table" data-testid="eval-table" data-value={rows.filter((r) => r.kind === 'run' && r.results).length}>
        <thead>
          <tr>
            <th>row</th>
            <th>λ_con / λ_gen now</th>
            <th>step</th>
            {COLUMNS.map((c) => (
              <th key={c.key}>{c.head}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.key}
              className={row.kind === 'run' ? undefined : 'eval-baseline'}
              data-testid={row.kind === 'run' ? undefined : 'eval-baseline'}
              data-kind={row.kind}
              data-value={row.kind === 'run' ? undefined : (row.results?.linearAcc ?? '')}
            >
              <td>
                <RowLabel row={row} />
              </td>
              <td>{row.run ? `${row.run.hyper.lambdaCon} / ${row.run.hyper.lambdaGen}` : '–'}</td>
              <td>{row.step === null ? 'not evaluated' : row.step}</td>
              {COLUMNS.map((c) =>
                showGain ? (
                  <GainCell key={c.key} row={row} column={c} />
                ) : (
                  <ValueCell key={c.key} row={row} column={c} winner={winners.get(c.key) === row.key} />
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="eval-note">
        ± is the 95% interval (1.96 standard errors: √(p(1−p)/n) for accuracies, Hanley–McNeil for AUROCs). Bold: better than every other
        row beyond that chance (5% z-test of the difference); no bold means no row clearly wins. Baselines are evaluated on the same subsets
        with a run&apos;s first evaluation.
      </p>
    </div>
  );
}
