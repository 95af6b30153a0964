// The one owner of the training worker on the main thread. Components get a snapshot and a set of
// named actions; none of them posts to the worker directly.

import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { configFromUrl, configToUrl, defaultPresetFor, type AppConfig, type HyperParams, type PresetName } from '../config';
import type { FromWorker, ToWorker } from '../protocol';
import { TrainerStore, type TrainerSnapshot } from './trainerStore';

const BUILTIN_DATASET = {
  kind: 'url' as const,
  name: 'CIFAR-10 (5,000 train / 1,000 test)',
  trainUrl: `${import.meta.env.BASE_URL}datasets/cifar10-train-5k.zip`,
  testUrl: `${import.meta.env.BASE_URL}datasets/cifar10-test-1k.zip`,
};

export interface TrainerActions {
  start(): void;
  pause(): void;
  step(): void;
  setHyper(patch: Partial<HyperParams>): void;
  selectRun(runId: string): void;
}

class TrainerConnection {
  readonly store = new TrainerStore();
  private readonly worker: Worker;
  private config: AppConfig;
  private readonly urlNamesPreset: boolean;

  constructor(private readonly search: string) {
    this.urlNamesPreset = new URLSearchParams(search).has('preset');
    this.config = configFromUrl(search);
    this.worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'trainer' });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.onEvent(event.data);
    this.worker.onerror = (event) => this.store.setStatus({ kind: 'error', text: `The training worker failed: ${event.message}` });
    this.post({ type: 'init', backend: this.config.backend });
  }

  post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  dispose(): void {
    this.worker.terminate();
  }

  private get defaultPreset(): PresetName {
    const backend = this.store.getSnapshot().backend;
    return backend ? defaultPresetFor(backend.name) : 'small';
  }

  private onEvent(event: FromWorker): void {
    this.store.apply(event);
    switch (event.type) {
      case 'ready':
        if (!this.urlNamesPreset) this.config = configFromUrl(this.search, defaultPresetFor(event.backend));
        this.post({ type: 'loadDataset', source: BUILTIN_DATASET, imageSize: this.config.model.imageSize });
        return;
      case 'datasetReady':
        this.post({ type: 'createRun', runId: 'run-1', config: this.config });
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
    if (run) this.config = { ...this.config, preset: run.config.preset, model: run.config.model, train: run.config.train, hyper: run.hyper };
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
      selectRun: (runId) => this.store.selectRun(runId),
    };
  }
}

export function useTrainer(): { snapshot: TrainerSnapshot; actions: TrainerActions } {
  const connection = useMemo(() => new TrainerConnection(window.location.search), []);
  useEffect(() => () => connection.dispose(), [connection]);
  const snapshot = useSyncExternalStore(connection.store.subscribe, connection.store.getSnapshot);
  const actions = useMemo(() => connection.actions(), [connection]);
  return { snapshot, actions };
}
