// The one owner of the training worker on the main thread. It builds the stores and controllers, hands
// every worker event to them through WorkerEvents, and gives the page a snapshot and a set of named
// actions; no component posts to the worker directly.

import { configFromUrl, configToUrl, defaultPresetFor, type AppConfig, type PresetName } from '../../config';
import type { FromWorker, ToWorker } from '../../protocol';
import { BUILTIN_DATASET } from '../common/builtinData';
import { DatasetController, type DatasetActions } from '../datasets/datasetController';
import { BUILTIN_OOD, createEvalActions, type EvalActions } from '../eval/evalActions';
import { downloadBytes } from '../persist/download';
import { PersistController, type PersistActions } from '../persist/persistController';
import { RunsController, type RunActions, type TrainingActions } from '../training/runsController';
import { TrainerStore } from '../training/trainerStore';
import { ViewsController, type ViewActions } from '../views/viewsController';
import { Autostart } from './autostart';
import { RecoveryController, type RecoveryActions } from './recovery';
import { WorkerEvents } from './workerEvents';
import { WorkerSupervisor } from './workerSupervisor';

export interface TrainerActions
  extends TrainingActions, RunActions, ViewActions, EvalActions, DatasetActions, PersistActions, RecoveryActions {}

export class TrainerConnection {
  readonly store = new TrainerStore();
  readonly events = new WorkerEvents();
  readonly runs: RunsController;
  readonly views: ViewsController;
  readonly datasets: DatasetController;
  readonly persistence: PersistController;
  readonly recovery: RecoveryController;
  // Owns the Worker object: a crashed or hung worker is replaced.
  private readonly supervisor: WorkerSupervisor;
  private config: AppConfig;
  private readonly urlNamesPreset: boolean;

  constructor(private readonly search: string) {
    this.urlNamesPreset = new URLSearchParams(search).has('preset');
    this.config = configFromUrl(search);
    const post = (message: ToWorker, transfer?: Transferable[]) => this.post(message, transfer);
    const newRunId = () => this.events.newRunId();
    this.runs = new RunsController({ post, store: this.store, newRunId, baseConfig: () => this.config });
    this.views = new ViewsController({ post, selectedRunId: () => this.store.getSnapshot().selectedRunId });
    this.datasets = new DatasetController({ post, store: this.store, newRunId, runConfig: () => this.config });
    this.persistence = new PersistController({ post, store: this.store, newRunId, download: downloadBytes });
    this.recovery = new RecoveryController(
      {
        store: this.store,
        post,
        restartWorker: () => this.supervisor.restart(),
        backendRequest: () => this.config.backend,
        replay: (event) => this.onEvent(event),
        setRestoring: () => void (this.persistence.restoring = true),
        selectRun: (runId) => this.actions().selectRun(runId),
      },
      search,
    );
    // The runs controller selects a requested run before the views follow the selection. Autostart
    // comes before both: the worker takes the first step and the new selection's view jobs in the
    // order they are asked for, on one device lock, so the first step does not wait for the step-0
    // projection and samples (seconds on wasm).
    this.events.add(
      this.store,
      this.views.store,
      new Autostart(this.config.autostart, post),
      this.runs,
      this.views,
      this.datasets,
      this.persistence,
      this.recovery,
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
    this.events.dispatch(event);
    switch (event.type) {
      case 'ready':
        if (!this.urlNamesPreset) this.config = configFromUrl(this.search, defaultPresetFor(event.backend));
        // The worker restores the saved dataset and runs, or loads the built-in dataset.
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
        this.views.syncViews();
        this.writeUrl();
      },
      ...this.runs.actions(),
      ...this.views.actions(),
      ...createEvalActions((m) => this.post(m), this.store),
      ...this.datasets.actions(),
      ...this.persistence.actions(),
      ...this.recovery.actions(),
    };
  }
}
