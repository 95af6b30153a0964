// "Compare weightings": one click starts up to four ordinary runs on the selected run's architecture
// and seed (same initial weights, same batches), one per λ_con:λ_gen ratio of the editable set, and
// evaluates them every N steps, so the trade-off plot draws each weighting's path as it trains.

import { useState } from 'react';
import type { RunActions } from './runsController';
import type { RunView } from './runView';
import { DEFAULT_SWEEP_EVERY, DEFAULT_SWEEP_TEXT, parseWeightings } from './sweep';
import './sweep.css';

export function SweepForm({ runs, actions }: { runs: RunView[]; actions: Pick<RunActions, 'startSweep'> }) {
  const [text, setText] = useState(DEFAULT_SWEEP_TEXT);
  const [every, setEvery] = useState(String(DEFAULT_SWEEP_EVERY));
  const parsed = parseWeightings(text);
  const everySteps = Number(every);
  const everyValid = Number.isInteger(everySteps) && everySteps >= 1;
  const error = 'error' in parsed ? parsed.error : everyValid ? null : 'evaluate every N steps needs a whole number ≥ 1';
  const trained = runs.filter((r) => r.step > 0);
  const replaced =
    runs.length === 0
      ? ''
      : ` Replaces the ${runs.length} current run${runs.length === 1 ? '' : 's'}` +
        (trained.length > 0 ? ` (${trained.map((r) => `${r.id} at step ${r.step}`).join(', ')}: export to keep them).` : '.');
  return (
    <div className="sweep" aria-label="Compare weightings">
      <label className="sweep-field">
        λ_con:λ_gen ratios
        <input
          type="text"
          data-testid="sweep-weightings"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          aria-invalid={'error' in parsed}
        />
      </label>
      <label className="sweep-field">
        evaluate every N steps
        <input type="number" data-testid="sweep-every" min={1} value={every} onChange={(e) => setEvery(e.currentTarget.value)} />
      </label>
      <button
        data-testid="sweep-start"
        disabled={error !== null || runs.length === 0}
        onClick={() => {
          if ('weightings' in parsed && everyValid) actions.startSweep(parsed.weightings, everySteps);
        }}
        title="Start one run per ratio from the selected run's architecture and seed, trained side by side on the same batches"
      >
        Compare weightings
      </button>
      <p className={error ? 'hint sweep-error' : 'hint'} data-testid="sweep-note">
        {error ??
          `${'weightings' in parsed ? parsed.weightings.length : 0} runs from the selected run's architecture, seed, τ and learning rate, same batches, evaluated every ${everySteps} steps.${replaced}`}
      </p>
    </div>
  );
}
