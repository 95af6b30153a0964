// What the UI knows about the worker, built only from worker events. Pure TypeScript (no React, no DOM)
// so it can be tested in Node. Listeners are notified at most `maxRendersPerSecond` times a second:
// training never waits for rendering, and rendering never falls behind training.

import type { BackendName, HyperParams, RunConfig } from '../../config';
import type { DatasetSummary } from '../../data/datasetTypes';
import type { FromWorker } from '../../protocol';
import type { RunStatus, StepMetrics } from '../../runTypes';
import { nextRunColor } from '../../runPresets';
import { initialEvalState, reduceEval, type EvalState } from '../eval/evalStore';
import type { StorageInfo } from '../../persist/messages';
import { rewindRun, rewindStatus } from './rewind';

export interface MetricPoint extends StepMetrics {
  step: number;
}

export interface HyperChange {
  step: number;
  hyper: HyperParams;
}

export interface RunView {
  id: string;
  config: RunConfig;
  status: RunStatus;
  step: number;
  /** The values the sliders show; the worker applies them from its next step. */
  hyper: HyperParams;
  history: MetricPoint[];
  /** Steps where the hyperparameters actually used differ from the previous step's. */
  hyperChanges: HyperChange[];
  lastHyperUsed: HyperParams | null;
  /** The run's colour in every chart and list; kept for its lifetime. */
  color: string;
  /** The run and step it was forked from; null for a run trained from scratch. */
  forkedFrom: { runId: string; step: number } | null;
}

/** A button offered with a status line (issue 7: resume a diverged run at a lower learning rate). */
export interface StatusAction {
  kind: 'resumeWithLr';
  runId: string;
  lr: number;
  label: string;
}

export interface StatusLine {
  kind: 'info' | 'error';
  text: string;
  action?: StatusAction;
}

export interface TrainerSnapshot {
  backend: { name: BackendName; reason: string; adapter: string | null } | null;
  dataset: DatasetSummary | null;
  progress: { phase: string; done: number; total: number } | null;
  runs: RunView[];
  selectedRunId: string | null;
  status: StatusLine;
  /** Evaluation suite state (issue 5), reduced in evalStore.ts. */
  evals: EvalState;
  /** What IndexedDB holds (issue 6); null until the worker has opened it. */
  storage: StorageInfo | null;
  version: number;
}

function sameHyper(a: HyperParams, b: HyperParams): boolean {
  return a.lambdaCon === b.lambdaCon && a.lambdaGen === b.lambdaGen && a.tau === b.tau && a.lr === b.lr;
}

export class TrainerStore {
  private state: TrainerSnapshot = {
    backend: null,
    dataset: null,
    progress: null,
    runs: [],
    selectedRunId: null,
    status: { kind: 'info', text: 'Starting the training worker…' },
    evals: initialEvalState(),
    storage: null,
    version: 0,
  };
  private readonly listeners = new Set<() => void>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = 0;

  constructor(private readonly maxRendersPerSecond = 10) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): TrainerSnapshot => this.state;

  selectedRun(): RunView | null {
    return this.state.runs.find((run) => run.id === this.state.selectedRunId) ?? null;
  }

  setStatus(status: StatusLine): void {
    this.update({ status });
  }

  selectRun(runId: string): void {
    this.update({ selectedRunId: runId });
  }

  setRunHyper(runId: string, patch: Partial<HyperParams>): void {
    this.updateRun(runId, (run) => ({ ...run, hyper: { ...run.hyper, ...patch } }));
  }

  apply(event: FromWorker): void {
    const evals = reduceEval(this.state.evals, event);
    if (evals !== this.state.evals) this.update({ evals });
    switch (event.type) {
      case 'ready':
        this.update({
          backend: { name: event.backend, reason: event.reason, adapter: event.adapter },
          status: { kind: 'info', text: `Backend ${event.backend}: ${event.reason}` },
        });
        return;
      case 'datasetProgress':
        this.update({ progress: { phase: event.phase, done: event.done, total: event.total } });
        return;
      case 'datasetReady':
        this.update({
          dataset: event.summary,
          progress: null,
          status: { kind: 'info', text: `Loaded ${event.summary.name}: ${event.summary.trainCount} training images` },
        });
        return;
      case 'datasetStopped':
        // The worker kept the previous dataset; only the progress bar goes.
        this.update({ progress: null, status: { kind: event.reason === 'failed' ? 'error' : 'info', text: event.message } });
        return;
      case 'runCreated': {
        const run: RunView = {
          id: event.runId ?? 'run',
          config: event.config,
          status: 'idle',
          step: event.step,
          hyper: { ...event.config.hyper },
          history: [],
          hyperChanges: [],
          lastHyperUsed: null,
          color: nextRunColor(this.state.runs.map((r) => r.color)),
          forkedFrom: event.forkedFrom ?? null,
        };
        this.update({ runs: [...this.state.runs, run], selectedRunId: this.state.selectedRunId ?? run.id });
        return;
      }
      case 'runRestored': {
        // A run back from a checkpoint or a file: created like any run, then its history replayed
        // through the same cases as live events, so curves, marks and evaluations come back as they were.
        const { runId, step, config, forkedFrom } = event;
        this.apply({ type: 'runCreated', runId, step, config, ...(forkedFrom ? { forkedFrom } : {}) });
        for (const past of event.history) this.apply(past);
        if (event.runId)
          this.updateRun(event.runId, (run) => ({ ...run, status: event.status, step: event.step, hyper: { ...event.hyper } }));
        this.update({ status: { kind: 'info', text: event.message } });
        return;
      }
      case 'storageInfo':
        this.update({ storage: event.info });
        return;
      case 'runDeleted': {
        const runs = this.state.runs.filter((run) => run.id !== event.runId);
        const selectedRunId = runs.some((run) => run.id === this.state.selectedRunId) ? this.state.selectedRunId : (runs[0]?.id ?? null);
        this.update({ runs, selectedRunId });
        return;
      }
      case 'runStatus':
        if (event.runId) this.updateRun(event.runId, (run) => ({ ...run, status: event.status, step: event.step }));
        return;
      case 'metrics':
        if (event.runId) this.updateRun(event.runId, (run) => this.withMetrics(run, event.step, event.metrics, event.hyper));
        return;
      case 'error':
        this.update({ status: { kind: 'error', text: event.message } });
        return;
      case 'runRewound':
        if (event.runId) {
          this.updateRun(event.runId, (run) => rewindRun(run, event.step, event.hyper));
          this.update({ status: rewindStatus(event.runId, event.message, event.suggestedLr) });
        }
        return;
    }
  }

  private withMetrics(run: RunView, step: number, metrics: StepMetrics, hyper: HyperParams): RunView {
    // History arrays are appended in place: copying thousands of points per step would cost more than
    // the step. Consumers key their memoisation on the snapshot version and the length.
    run.history.push({ step, ...metrics });
    if (run.lastHyperUsed && !sameHyper(run.lastHyperUsed, hyper)) run.hyperChanges.push({ step, hyper });
    return { ...run, step, lastHyperUsed: hyper };
  }

  private updateRun(runId: string, change: (run: RunView) => RunView): void {
    this.update({ runs: this.state.runs.map((run) => (run.id === runId ? change(run) : run)) });
  }

  private update(patch: Partial<TrainerSnapshot>): void {
    this.state = { ...this.state, ...patch, version: this.state.version + 1 };
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== null) return;
    const interval = 1000 / this.maxRendersPerSecond;
    const wait = Math.max(0, this.lastFlush + interval - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.lastFlush = Date.now();
      for (const listener of this.listeners) listener();
    }, wait);
  }
}
