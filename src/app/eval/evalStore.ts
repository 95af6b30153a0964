// The UI's view of the evaluation suite, built only from worker events. Pure: a reducer the
// TrainerStore calls for the eval events, testable in Node.

import { DEFAULT_EVAL_SETTINGS, type BaselineRecord, type EvalResults, type EvalSettings, type OodSetInfo } from '../../eval/evalTypes';
import type { FromWorker } from '../../protocol';

export interface EvalRecord {
  step: number;
  results: EvalResults;
}

export interface EvalActivity {
  step: number;
  phase: string;
  done: number;
  total: number;
}

export interface EvalState {
  settings: EvalSettings;
  /** Queued or running evaluations by run. */
  active: Record<string, EvalActivity>;
  /** Every finished evaluation by run, in step order. */
  history: Record<string, EvalRecord[]>;
  /** The untrained networks and the raw pixels on the current subsets (docs/evaluations.md#baselines). */
  baselines: BaselineRecord[];
  ood: OodSetInfo | null;
  /** The last cancel or failure, for the panel to show. */
  notice: { kind: 'info' | 'error'; text: string } | null;
}

export function initialEvalState(): EvalState {
  return { settings: DEFAULT_EVAL_SETTINGS, active: {}, history: {}, baselines: [], ood: null, notice: null };
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

/** The new state after `event`; the same object when the event is not an evaluation event. */
export function reduceEval(state: EvalState, event: FromWorker): EvalState {
  switch (event.type) {
    case 'evalSettings':
      return { ...state, settings: event.settings };
    case 'oodSet':
      return { ...state, ood: event.info };
    case 'evalBaselines':
      return { ...state, baselines: event.baselines };
    case 'evalProgress':
      if (!event.runId) return state;
      return {
        ...state,
        active: { ...state.active, [event.runId]: { step: event.step, phase: event.phase, done: event.done, total: event.total } },
      };
    case 'evalResult': {
      if (!event.runId) return state;
      const previous = (state.history[event.runId] ?? []).filter((r) => r.step !== event.step);
      const history = [...previous, { step: event.step, results: event.results }].sort((a, b) => a.step - b.step);
      return { ...state, active: without(state.active, event.runId), history: { ...state.history, [event.runId]: history }, notice: null };
    }
    case 'evalStopped':
      if (!event.runId) return state;
      return {
        ...state,
        active: without(state.active, event.runId),
        notice: { kind: event.reason === 'failed' ? 'error' : 'info', text: event.message },
      };
    case 'runDeleted':
      if (!event.runId) return state;
      return { ...state, active: without(state.active, event.runId), history: without(state.history, event.runId) };
    default:
      return state;
  }
}

/** The most recent evaluation of a run (highest step), or null. */
export function latestEval(state: EvalState, runId: string): EvalRecord | null {
  const records = state.history[runId];
  return records && records.length > 0 ? records[records.length - 1] : null;
}

/** Overall progress of the running evaluation in [0, 1], or null when none runs. */
export function runningFraction(state: EvalState): { runId: string; activity: EvalActivity; fraction: number } | null {
  for (const [runId, activity] of Object.entries(state.active)) {
    if (activity.phase !== 'queued') return { runId, activity, fraction: activity.total > 0 ? activity.done / activity.total : 0 };
  }
  return null;
}
