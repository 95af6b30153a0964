import type { TrainerActions } from './useTrainer';
import type { RunView } from './trainerStore';

export function RunList({ runs, selectedRunId, actions }: { runs: RunView[]; selectedRunId: string | null; actions: TrainerActions }) {
  return (
    <section className="panel runs" aria-label="Runs">
      <h2>Runs</h2>
      <ul data-testid="run-list" data-value={runs.length}>
        {runs.map((run) => (
          <li key={run.id} className={run.id === selectedRunId ? 'selected' : undefined}>
            <button onClick={() => actions.selectRun(run.id)} aria-pressed={run.id === selectedRunId}>
              {run.id} · {run.config.preset} · step {run.step} · {run.status}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
