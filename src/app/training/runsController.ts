// The actions of side-by-side runs: a new run from a preset weighting, a fork of the selected run,
// pausing, resuming or deleting one run, and the comparison of weightings (a set of ordinary runs on
// one seed, trained side by side and evaluated every N steps). A run the person asked for is selected
// as soon as the worker reports it. Nothing here posts to the worker except through the `post` it is given.

import type { HyperParams, RunConfig } from '../../config';
import type { FromWorker, ToWorker } from '../../protocol';
import { MAX_RUNS, presetHyper, type RunPresetName } from '../../runPresets';
import type { WorkerEventSink } from '../connection/workerEvents';
import type { Weighting } from './sweep';
import type { TrainerStore } from './trainerStore';

export interface RunActions {
  /** A new run from scratch with the preset's loss weights, on the selected run's architecture and seed. */
  newRun(preset: RunPresetName): void;
  /** Forks the selected run at its current step; the fork becomes the selected run. */
  forkRun(): void;
  pauseRun(runId: string): void;
  resumeRun(runId: string): void;
  deleteRun(runId: string): void;
  /**
   * Replaces the current runs with one run per weighting on the selected run's architecture, seed, τ
   * and learning rate (so the same initial weights and batches), starts them all, and evaluates every
   * run every `every` steps.
   */
  startSweep(weightings: readonly Weighting[], every: number): void;
}

/** What the selected run's controls and the run list ask of the connection (which keeps the URL in step). */
export interface TrainingActions {
  start(): void;
  pause(): void;
  step(): void;
  setHyper(patch: Partial<HyperParams>): void;
  selectRun(runId: string): void;
}

export interface RunsDeps {
  post(message: ToWorker): void;
  store: TrainerStore;
  /** A run id never used on this page (WorkerEvents.newRunId). */
  newRunId(): string;
  /** The configuration a new run starts from when no run is selected. */
  baseConfig(): RunConfig;
}

export class RunsController implements WorkerEventSink {
  /** Runs the person asked for and the worker has not reported yet: selected as soon as it does. */
  private readonly selectOnCreate = new Set<string>();
  /** Runs of a comparison the worker has not reported yet: started as soon as it does. */
  private readonly startOnCreate = new Set<string>();

  constructor(private readonly deps: RunsDeps) {}

  apply(event: FromWorker): boolean {
    if (!event.runId) return false;
    // A refused create or fork must not leave a pending selection behind.
    if (event.type === 'error') {
      const comparison = this.startOnCreate.delete(event.runId);
      return this.selectOnCreate.delete(event.runId) || comparison;
    }
    if (event.type !== 'runCreated') return false;
    const start = this.startOnCreate.delete(event.runId);
    if (start) this.deps.post({ type: 'start', runId: event.runId });
    if (!this.selectOnCreate.delete(event.runId)) return start;
    this.deps.store.selectRun(event.runId);
    return true;
  }

  private requestedId(): string {
    const id = this.deps.newRunId();
    this.selectOnCreate.add(id);
    return id;
  }

  private roomForAnother(): boolean {
    return this.deps.store.getSnapshot().runs.length + this.selectOnCreate.size < MAX_RUNS;
  }

  actions(): RunActions {
    const { post, store } = this.deps;
    return {
      newRun: (preset) => {
        if (!this.roomForAnother()) return;
        const base = store.selectedRun()?.config ?? this.deps.baseConfig();
        const config: RunConfig = { ...base, hyper: presetHyper(store.selectedRun()?.hyper ?? base.hyper, preset) };
        post({ type: 'createRun', runId: this.requestedId(), config });
      },
      forkRun: () => {
        const parent = store.selectedRun();
        if (!parent || !this.roomForAnother()) return;
        post({ type: 'forkRun', runId: this.requestedId(), parentId: parent.id });
      },
      pauseRun: (runId) => post({ type: 'pause', runId }),
      resumeRun: (runId) => post({ type: 'start', runId }),
      deleteRun: (runId) => post({ type: 'deleteRun', runId }),
      startSweep: (weightings, every) => {
        const chosen = weightings.slice(0, MAX_RUNS);
        if (chosen.length === 0) return;
        const selected = store.selectedRun();
        const base = selected?.config ?? this.deps.baseConfig();
        const hyper = selected?.hyper ?? base.hyper;
        // The worker handles messages in order: the old runs are gone before the new ones are created.
        post({ type: 'setEvalSettings', settings: { autoEvery: every } });
        for (const run of store.getSnapshot().runs) post({ type: 'deleteRun', runId: run.id });
        chosen.forEach((weighting, i) => {
          const runId = i === 0 ? this.requestedId() : this.deps.newRunId();
          this.startOnCreate.add(runId);
          post({ type: 'createRun', runId, config: { ...base, hyper: { ...hyper, ...weighting } } });
        });
      },
    };
  }
}
