// The UI side of side-by-side runs and live views (issue 4): the named actions for new runs, forks,
// per-run pause/resume/delete and the views' settings, and keeping the worker's view run equal to the
// selected run. useTrainer owns one of these next to its TrainerStore; nothing here posts to the
// worker except through the `post` it is given.

import type { RunConfig } from '../../config';
import type { FromWorker, ToWorker } from '../../protocol';
import { MAX_RUNS, nextRunId, presetHyper, type RunPresetName } from '../../runPresets';
import type { ProjectionMethod, UmapParams, ViewSettings } from '../../viewTypes';
import type { TrainerStore } from './trainerStore';
import { ViewStore } from '../views/viewStore';

export interface RunActions {
  /** A new run from scratch with the preset's loss weights, on the selected run's architecture and seed. */
  newRun(preset: RunPresetName): void;
  /** Forks the selected run at its current step; the fork becomes the selected run. */
  forkRun(): void;
  pauseRun(runId: string): void;
  resumeRun(runId: string): void;
  deleteRun(runId: string): void;
}

export interface ViewActions {
  setViewSettings(patch: Partial<ViewSettings>): void;
  refreshView(view: 'embedding' | 'samples'): void;
  setUmapParams(patch: Partial<UmapParams>): void;
  runUmap(): void;
  cancelUmap(): void;
  setProjection(projection: ProjectionMethod): void;
}

export interface RunViewsDeps {
  post(message: ToWorker): void;
  store: TrainerStore;
  /** The configuration a new run starts from when no run is selected. */
  baseConfig(): RunConfig;
}

export class RunViewsController {
  readonly views = new ViewStore();
  /** Every id used so far, so a deleted run's id (and its stale view data) is never reused. */
  private readonly seenIds = new Set<string>();
  /** Runs the person asked for: selected as soon as the worker reports them. */
  private readonly selectOnCreate = new Set<string>();

  constructor(private readonly deps: RunViewsDeps) {}

  onEvent(event: FromWorker): void {
    if (this.views.apply(event)) return;
    if (event.type === 'runCreated' && event.runId) {
      this.seenIds.add(event.runId);
      if (this.selectOnCreate.delete(event.runId)) this.deps.store.selectRun(event.runId);
      this.syncViews();
    } else if (event.type === 'runDeleted') {
      this.syncViews();
    } else if (event.type === 'error' && event.runId) {
      // A refused create or fork must not leave a pending selection behind.
      this.selectOnCreate.delete(event.runId);
    }
  }

  /** Tells the worker which run the views follow and how; call after the selection changes. */
  syncViews(): void {
    this.deps.post({ type: 'setViews', runId: this.deps.store.getSnapshot().selectedRunId, settings: this.views.getSnapshot().settings });
  }

  private freshId(): string {
    const id = nextRunId([...this.seenIds, ...this.selectOnCreate]);
    this.selectOnCreate.add(id);
    return id;
  }

  private roomForAnother(): boolean {
    return this.deps.store.getSnapshot().runs.length + this.selectOnCreate.size < MAX_RUNS;
  }

  runActions(): RunActions {
    const { post, store } = this.deps;
    return {
      newRun: (preset) => {
        if (!this.roomForAnother()) return;
        const base = store.selectedRun()?.config ?? this.deps.baseConfig();
        const config: RunConfig = { ...base, hyper: presetHyper(store.selectedRun()?.hyper ?? base.hyper, preset) };
        post({ type: 'createRun', runId: this.freshId(), config });
      },
      forkRun: () => {
        const parent = store.selectedRun();
        if (!parent || !this.roomForAnother()) return;
        post({ type: 'forkRun', runId: this.freshId(), parentId: parent.id });
      },
      pauseRun: (runId) => post({ type: 'pause', runId }),
      resumeRun: (runId) => post({ type: 'start', runId }),
      deleteRun: (runId) => post({ type: 'deleteRun', runId }),
    };
  }

  viewActions(): ViewActions {
    const { post, store } = this.deps;
    const selected = () => store.getSnapshot().selectedRunId;
    return {
      setViewSettings: (patch) => {
        this.views.setSettings(patch);
        this.syncViews();
      },
      refreshView: (view) => {
        const runId = selected();
        if (runId) post({ type: 'refreshView', runId, view });
      },
      setUmapParams: (patch) => this.views.setUmapParams(patch),
      runUmap: () => {
        const runId = selected();
        if (runId) post({ type: 'runUmap', runId, params: this.views.getSnapshot().umapParams });
      },
      cancelUmap: () => {
        const runId = selected();
        if (runId) post({ type: 'cancelUmap', runId });
      },
      setProjection: (projection) => this.views.setProjection(projection),
    };
  }
}
