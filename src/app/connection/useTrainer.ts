// The one owner of the training worker on the main thread. Components get a snapshot and a set of
// named actions; none of them posts to the worker directly.

import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { configFromUrl, configToUrl, defaultPresetFor, type AppConfig, type HyperParams, type PresetName } from '../../config';
import type { FromWorker, ToWorker } from '../../protocol';
import { TrainerStore, type TrainerSnapshot } from '../training/trainerStore';
import { RunViewsController, type RunActions, type ViewActions } from '../training/runViewsController';
import type { ViewSnapshot } from '../views/viewStore';
import { BUILTIN_OOD, createEvalActions, type EvalActions } from '../eval/evalActions';
import { DatasetController, type DatasetActions, type DatasetUiState } from '../datasets/datasetController';
import { PersistController, type PersistActions } from '../persist/persistController';
import { downloadBytes } from '../persist/download';
import { WorkerSupervisor } from './workerSupervisor';
import { RecoveryController, type RecoveryActions } from './recovery';

const BUILTIN_DATASET = {
  kind: 'url' as const,
  name: 'CIFAR-10 (5,000 train / 1,000 test)',
  trainUrl: `${import.meta.env.BASE_URL}datasets/cifar10-train-5k.zip`,
  testUrl: `${import.meta.env.BASE_URL}datasets/cifar10-test-1k.zip`,
};

export interface TrainerActions extends RunActions, ViewActions, EvalActions, DatasetActions, PersistActions, RecoveryActions {
  start(): void;
  pause(): void;
  step(): void;
  setHyper(patch: Partial<HyperParams>): void;
  selectRun(runId: string): void;
}

class TrainerConnection {
  readonly store = new TrainerStore();
  readonly runViews: RunViewsController;
  readonly datasets: DatasetController;
  readonly persistence: PersistController;
  readonly recovery: RecoveryController;
  // Owns the Worker object: a crashed or hung worker is replaced (issue 7).
  private readonly supervisor: WorkerSupervisor;
  private config: AppConfig;
  private readonly urlNamesPreset: boolean;

  constructor(private readonly search: string) {
    this.urlNamesPreset = new URLSearchParams(search).has('preset');
    this.config = configFromUrl(search);
    this.runViews = new RunViewsController({ post: (m) => this.post(m), store: this.store, baseConfig: () => this.config });
    this.datasets = new DatasetController({ post: (m) => this.post(m), store: this.store, runConfig: () => this.config });
    this.persistence = new PersistController({
      post: (m, transfer) => this.post(m, transfer),
      store: this.store,
      // A restored or imported run is new to the other controllers (ids, views) as a created one is.
      announce: (created) => {
        this.runViews.onEvent(created);
        this.datasets.onEvent(created);
      },
      download: downloadBytes,
    });
    this.recovery = new RecoveryController(
      {
        store: this.store,
        post: (m) => this.post(m),
        restartWorker: () => this.supervisor.restart(),
        backendRequest: () => this.config.backend,
        replay: (event) => this.onEvent(event),
        setRestoring: () => void (this.persistence.restoring = true),
        selectRun: (runId) => this.actions().selectRun(runId),
      },
      search,
    );
    this.supervisor = new WorkerSupervisor({
      create: () => new Worker(new URL('../../worker/worker.ts', import.meta.url), { type: 'module', name: 'trainer' }),
      onMessage: (event) => this.onEvent(event),
      onDead: (reason) => this.recovery.workerDied(reason),
    });
    this.post({ type: 'init', backend: this.config.backend });
  }

  post(message: ToWorker, transfer: Transferable[] = []): void {
    this.supervisor.post(message, transfer);
  }

  dispose(): void {
    this.supervisor.dispose();
  }

  private get defaultPreset(): PresetName {
    const backend = this.store.getSnapshot().backend;
    return backend ? defaultPresetFor(backend.name) : 'small';
  }

  private onEvent(event: FromWorker): void {
    this.store.apply(event);
    this.runViews.onEvent(event);
    this.datasets.onEvent(event);
    this.persistence.onEvent(event);
    this.recovery.onEvent(event);
    switch (event.type) {
      case 'ready':
        if (!this.urlNamesPreset) this.config = configFromUrl(this.search, defaultPresetFor(event.backend));
        // The worker restores the saved dataset and runs (issue 6), or loads the built-in dataset.
        this.post({ type: 'restoreSession', builtin: BUILTIN_DATASET, imageSize: this.config.model.imageSize });
        this.post({ type: 'setOodSource', source: BUILTIN_OOD });
        return;
      case 'datasetReady':
        // While restoring, the saved runs are the dataset's runs; sessionRestored says if there are none.
        if (this.persistence.restoring) return;
        // Runs on the old data are replaced by one fresh run (the person confirmed before importing).
        this.datasets.replaceRuns();
        return;
      case 'sessionRestored':
        if (event.runs === 0) this.datasets.replaceRuns();
        return;
      case 'runCreated':
        if (this.config.autostart && event.runId) this.post({ type: 'start', runId: event.runId });
        this.writeUrl();
        return;
      default:
        return;
    }
  }

  /** Keeps the address bar a link that reproduces the selected run's configuration. */
  writeUrl(): void {
    const run = this.store.selectedRun();
    if (run)
      this.config = { ...this.config, preset: run.config.preset, model: run.config.model, train: run.config.train, hyper: run.hyper };
    const query = configToUrl(this.config, this.defaultPreset);
    window.history.replaceState(null, '', `${window.location.pathname}${query}`);
  }

  actions(): TrainerActions {
    const withRun = (act: (runId: string) => void) => () => {
      const run = this.store.selectedRun();
      if (run) act(run.id);
    };
    return {
      start: withRun((runId) => this.post({ type: 'start', runId })),
      pause: withRun((runId) => this.post({ type: 'pause', runId })),
      step: withRun((runId) => this.post({ type: 'step', runId })),
      setHyper: (patch) => {
        const run = this.store.selectedRun();
        if (!run) return;
        this.store.setRunHyper(run.id, patch);
        this.post({ type: 'setHyper', runId: run.id, hyper: patch });
        this.writeUrl();
      },
      selectRun: (runId) => {
        this.store.selectRun(runId);
        this.runViews.syncViews();
        this.writeUrl();
      },
      ...this.runViews.runActions(),
      ...this.runViews.viewActions(),
      ...createEvalActions((m) => this.post(m), this.store),
      ...this.datasets.actions(),
      ...this.persistence.actions(),
      ...this.recovery.actions(),
    };
  }
}

export function useTrainer(): { snapshot: TrainerSnapshot; actions: TrainerActions; views: ViewSnapshot; datasetUi: DatasetUiState } {
  const connection = useMemo(() => new TrainerConnection(window.location.search), []);
  useEffect(() => () => connection.dispose(), [connection]);
  const snapshot = useSyncExternalStore(connection.store.subscribe, connection.store.getSnapshot);
  const views = useSyncExternalStore(connection.runViews.views.subscribe, connection.runViews.views.getSnapshot);
  const datasetUi = useSyncExternalStore(connection.datasets.subscribe, connection.datasets.getSnapshot);
  const actions = useMemo(() => connection.actions(), [connection]);
  return { snapshot, actions, views, datasetUi };
}
