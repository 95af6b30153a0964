// Side-by-side runs: each run in its colour with its loss weights, step and status; select,
// pause/resume or delete it; start a new run from a preset weighting, fork the selected run, or
// compare a set of weightings in one click.

import { useState } from 'react';
import { MAX_RUNS, RUN_PRESETS, type RunPresetName } from '../../runPresets';
import type { RunActions, TrainingActions } from './runsController';
import type { RunView } from './runView';
import { SweepForm } from './SweepForm';

const PRESET_NAMES = Object.keys(RUN_PRESETS) as RunPresetName[];

function RunRow({
  run,
  selected,
  actions,
  canDelete,
}: {
  run: RunView;
  selected: boolean;
  actions: RunActions & TrainingActions;
  canDelete: boolean;
}) {
  const training = run.status === 'training';
  return (
    <li
      className={selected ? 'selected' : undefined}
      data-run-id={run.id}
      data-step={run.step}
      data-status={run.status}
      data-fork-step={run.forkedFrom?.step ?? ''}
    >
      <span className="run-swatch" style={{ background: run.color }} aria-hidden />
      <button className="run-select" onClick={() => actions.selectRun(run.id)} aria-pressed={selected}>
        <strong>{run.id}</strong> λc {run.hyper.lambdaCon} · λg {run.hyper.lambdaGen}
        <span className="run-meta">
          step {run.step} · {run.status}
          {run.forkedFrom && ` · fork of ${run.forkedFrom.runId} @ ${run.forkedFrom.step}`}
        </span>
      </button>
      <button
        data-testid="run-toggle"
        title={training ? `Pause ${run.id}` : `Resume ${run.id}`}
        onClick={() => (training ? actions.pauseRun(run.id) : actions.resumeRun(run.id))}
      >
        {training ? '❚❚' : '▶'}
      </button>
      <button data-testid="run-delete" title={`Delete ${run.id}`} disabled={!canDelete} onClick={() => actions.deleteRun(run.id)}>
        ✕
      </button>
    </li>
  );
}

export function RunList({
  runs,
  selectedRunId,
  actions,
}: {
  runs: RunView[];
  selectedRunId: string | null;
  actions: RunActions & TrainingActions;
}) {
  const [preset, setPreset] = useState<RunPresetName>('generative');
  const full = runs.length >= MAX_RUNS;
  return (
    <section className="panel runs" aria-label="Runs">
      <h2>
        Runs{' '}
        <small>
          ({runs.length} of {MAX_RUNS}, stepped in turn on the same batches)
        </small>
      </h2>
      <ul data-testid="run-list" data-value={runs.length}>
        {runs.map((run) => (
          // The last run stays: the readouts and views always follow some run.
          <RunRow key={run.id} run={run} selected={run.id === selectedRunId} actions={actions} canDelete={runs.length > 1} />
        ))}
      </ul>
      <div className="run-actions">
        <button
          data-testid="run-fork"
          disabled={!selectedRunId || full}
          onClick={actions.forkRun}
          title="Copy the selected run (weights, optimiser state, data position, step) into a new run"
        >
          Fork selected
        </button>
        <select
          data-testid="run-new-preset"
          value={preset}
          onChange={(e) => setPreset(e.currentTarget.value as RunPresetName)}
          aria-label="Loss weights of a new run"
        >
          {PRESET_NAMES.map((name) => (
            <option key={name} value={name}>
              {RUN_PRESETS[name].label}
            </option>
          ))}
        </select>
        <button data-testid="run-new" disabled={runs.length === 0 || full} onClick={() => actions.newRun(preset)}>
          New run
        </button>
      </div>
      {full && <p className="hint">Delete a run to start another: at most {MAX_RUNS} train side by side.</p>}
      <h3>Compare weightings</h3>
      <SweepForm runs={runs} actions={actions} />
    </section>
  );
}
