// The actions of side-by-side runs: a new run from a preset weighting, a fork of the selected run,
// and pausing, resuming or deleting one run. A run the person asked for is selected as soon as the
// worker reports it. Nothing here posts to the worker except through the `post` it is given.

import type { HyperParams, RunConfig } from '../../config';
import type { FromWorker, ToWorker } from '../../protocol';
import { MAX_RUNS, presetHyper, type RunPresetName } from '../../runPresets';
import type { WorkerEventSink } from '../connection/workerEvents';
import type { TrainerStore } from './trainerStore';

export interface RunActions {
  /** A new run from scratch with the preset's loss weights, on the selected run's architecture and seed. */
  newRun(preset: RunPresetName): void;
  /** Forks the selected run at its current step; the fork becomes the selected run. */
  forkRun(): void;
  pauseRun(runId: string): void;
  resumeRun(runId: string): void;
  deleteRun(runId: string): void;
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

  constructor(private readonly deps: RunsDeps) {}

  apply(event: FromWorker): boolean {
    if (!event.runId) return false;
    // A refused create or fork must not leave a pending selection behind.
    if (event.type === 'error') return this.selectOnCreate.delete(event.runId);
    if (event.type !== 'runCreated' || !this.selectOnCreate.delete(event.runId)) return false;
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
    };
  }
}
