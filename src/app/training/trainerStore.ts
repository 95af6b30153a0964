// What the UI knows about the worker, built only from worker events: the backend, the dataset, every
// run with its curve, the selection, the status line, evaluations and storage. Pure TypeScript (no
// React, no DOM) so it can be tested in Node; listeners hear of changes at most ten times a second.

import type { BackendName, HyperParams } from '../../config';
import type { DatasetSummary } from '../../data/datasetTypes';
import type { KernelDecision } from '../../model/webgpu/kernelTypes';
import type { StorageInfo } from '../../persist/messages';
import type { FromWorker } from '../../protocol';
import { nextRunColor } from '../../runPresets';
import type { StepMetrics } from '../../runTypes';
import type { StatusLine } from '../common/statusLine';
import { ThrottledStore } from '../common/throttledStore';
import { initialEvalState, reduceEval, type EvalState } from '../eval/evalStore';
import { rewindRun, rewindStatus } from './rewind';
import type { RunView } from './runView';

export interface TrainerSnapshot {
  /** kernels: on webgpu, which fused ops run their kernel and which fell back (model/webgpu/support.ts). */
  backend: { name: BackendName; reason: string; adapter: string | null; kernels: KernelDecision[] | null } | null;
  dataset: DatasetSummary | null;
  progress: { phase: string; done: number; total: number } | null;
  runs: RunView[];
  selectedRunId: string | null;
  status: StatusLine;
  /** The evaluation suite's state, reduced in eval/evalStore.ts. */
  evals: EvalState;
  /** What IndexedDB holds; null until the worker has opened it. */
  storage: StorageInfo | null;
  version: number;
}

function sameHyper(a: HyperParams, b: HyperParams): boolean {
  return a.lambdaCon === b.lambdaCon && a.lambdaGen === b.lambdaGen && a.tau === b.tau && a.lr === b.lr;
}

export class TrainerStore extends ThrottledStore<TrainerSnapshot> {
  constructor(maxRendersPerSecond?: number) {
    super(
      {
        backend: null,
        dataset: null,
        progress: null,
        runs: [],
        selectedRunId: null,
        status: { kind: 'info', text: 'Starting the training worker…' },
        evals: initialEvalState(),
        storage: null,
        version: 0,
      },
      maxRendersPerSecond,
    );
  }

  selectedRun(): RunView | null {
    const { runs, selectedRunId } = this.getSnapshot();
    return runs.find((run) => run.id === selectedRunId) ?? null;
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

  /** Applies a worker event; false when it was not this store's. */
  apply(event: FromWorker): boolean {
    return this.changes(() => this.reduce(event));
  }

  private reduce(event: FromWorker): void {
    const evals = reduceEval(this.getSnapshot().evals, event);
    if (evals !== this.getSnapshot().evals) this.update({ evals });
    const state = this.getSnapshot();
    switch (event.type) {
      case 'ready':
        this.update({
          backend: { name: event.backend, reason: event.reason, adapter: event.adapter, kernels: event.kernels ?? null },
          status: { kind: 'info', text: `Backend ${event.backend}: ${event.reason}` },
        });
        return;
      case 'kernels':
        if (state.backend) this.update({ backend: { ...state.backend, kernels: event.kernels } });
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
          color: nextRunColor(state.runs.map((r) => r.color)),
          forkedFrom: event.forkedFrom ?? null,
        };
        this.update({ runs: [...state.runs, run], selectedRunId: state.selectedRunId ?? run.id });
        return;
      }
      case 'runRestored': {
        // A run back from a checkpoint or a file: created like any run, then its history replayed
        // through the same cases as live events, so curves, marks and evaluations come back as they were.
        const { runId, step, config, forkedFrom } = event;
        this.reduce({ type: 'runCreated', runId, step, config, ...(forkedFrom ? { forkedFrom } : {}) });
        for (const past of event.history) this.reduce(past);
        if (event.runId)
          this.updateRun(event.runId, (run) => ({ ...run, status: event.status, step: event.step, hyper: { ...event.hyper } }));
        this.update({ status: { kind: 'info', text: event.message } });
        return;
      }
      case 'storageInfo':
        this.update({ storage: event.info });
        return;
      case 'runDeleted': {
        const runs = state.runs.filter((run) => run.id !== event.runId);
        const selectedRunId = runs.some((run) => run.id === state.selectedRunId) ? state.selectedRunId : (runs[0]?.id ?? null);
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
    this.update({ runs: this.getSnapshot().runs.map((run) => (run.id === runId ? change(run) : run)) });
  }
}
