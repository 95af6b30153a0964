// The Evaluation panel: run the suite on every run, follow its progress, read the selected
// run's numbers, compare runs in a table and on the trade-off plot, and see how a run's numbers moved.

import type { EvalSettings } from '../../eval/evalTypes';
import { EvalHistoryChart } from './EvalHistoryChart';
import { EvalReadouts } from './EvalReadouts';
import { EvalSettingsForm } from './EvalSettingsForm';
import { EvalTable } from './EvalTable';
import { TradeoffPlot } from './TradeoffPlot';
import { latestEval, runningFraction, type EvalState } from './evalStore';
import type { EvalActions } from './evalActions';
import type { RunView } from '../training/runView';
import './eval.css';

interface EvalPanelProps {
  runs: RunView[];
  selectedRunId: string | null;
  evals: EvalState;
  actions: EvalActions;
}

function describeOod(evals: EvalState): string {
  const ood = evals.ood;
  const synthetic = evals.settings.includeSynthetic ? ' + Gaussian noise + constant colours' : '';
  if (!ood) return `OOD set: none yet${synthetic}`;
  const state =
    ood.state === 'ready'
      ? `${ood.imageCount} images${ood.skipped ? `, ${ood.skipped} files skipped` : ''}`
      : ood.state === 'failed'
        ? `unavailable (${ood.error}); synthetic images only`
        : ood.state === 'loading'
          ? 'decoding…'
          : 'decoded at the first evaluation';
  return `OOD set: ${ood.name} [${ood.origin}], ${state}${synthetic}`;
}

export function EvalPanel({ runs, selectedRunId, evals, actions }: EvalPanelProps) {
  const running = runningFraction(evals);
  const queued = Object.entries(evals.active)
    .filter(([, a]) => a.phase === 'queued')
    .map(([id]) => id);
  const busy = Object.keys(evals.active).length > 0;
  const selected = selectedRunId ? latestEval(evals, selectedRunId) : null;
  const setSettings = (patch: Partial<EvalSettings>) => actions.setEvalSettings(patch);
  return (
    <section className="panel eval-panel" aria-label="Evaluation">
      <header className="panel-header">
        <h2>Evaluation</h2>
        <div className="buttons">
          <button data-testid="eval-run" onClick={actions.runEval} disabled={runs.length === 0 || busy}>
            Evaluate all runs
          </button>
          <button data-testid="eval-cancel" onClick={actions.cancelEval} disabled={!busy}>
            Cancel
          </button>
        </div>
      </header>
      <p className="eval-note" data-testid="eval-ood-set">
        {describeOod(evals)}
      </p>
      <EvalSettingsForm settings={evals.settings} onChange={setSettings} />
      <div data-testid="eval-progress" data-value={running ? running.fraction : ''} className="eval-progress">
        {running ? (
          <>
            {running.runId} at step {running.activity.step}: {running.activity.phase} ({Math.round(running.fraction * 100)}%) · training
            waits
            <progress value={running.fraction} max={1} />
          </>
        ) : queued.length > 0 ? (
          `queued: ${queued.join(', ')}`
        ) : null}
        {queued.length > 0 && running && <span> · queued: {queued.join(', ')}</span>}
      </div>
      {evals.notice && (
        <p className={`eval-note ${evals.notice.kind === 'error' ? 'eval-error' : ''}`} data-testid="eval-notice">
          {evals.notice.text}
        </p>
      )}
      <EvalReadouts record={selected} />
      <EvalTable runs={runs} evals={evals} />
      <div className="eval-charts">
        <TradeoffPlot runs={runs} evals={evals} />
        <EvalHistoryChart runId={selectedRunId} records={selectedRunId ? (evals.history[selectedRunId] ?? []) : []} />
      </div>
    </section>
  );
}
