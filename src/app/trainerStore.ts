// What the UI knows about the worker, built only from worker events. Pure TypeScript (no React, no DOM)
// so it can be tested in Node. Listeners are notified at most `maxRendersPerSecond` times a second:
// training never waits for rendering, and rendering never falls behind training.

import type { BackendName, HyperParams, RunConfig } from '../config';
import type { DatasetSummary, FromWorker, RunStatus, StepMetrics } from '../protocol';

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
}

export interface StatusLine {
  kind: 'info' | 'error';
  text: string;
}

export interface TrainerSnapshot {
  backend: { name: BackendName; reason: string; adapter: string | null } | null;
  dataset: DatasetSummary | null;
  progress: { phase: string; done: number; total: number } | null;
  runs: RunView[];
  selectedRunId: string | null;
  status: StatusLine;
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
        };
        this.update({ runs: [...this.state.runs, run], selectedRunId: this.state.selectedRunId ?? run.id });
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
