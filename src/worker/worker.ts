// The training worker: owns tfjs, the dataset and every run. The UI talks to it only through
// the messages of protocol.ts.

import * as tf from '@tensorflow/tfjs';
import type { FromWorker, ToWorker } from '../protocol';
import { validateModel, type BackendName } from '../config';
import { summarize, type Dataset } from '../data/store';
import { decodeImage } from '../data/decodeImage';
import { memoryLimitsFor, selectBackend } from './backend';
import { estimateTrainingMemory, explainMemoryProblem } from '../model/memoryEstimate';
import { DatasetImports } from './datasetImport';
import { TrainingRun } from './run';
import { Scheduler, describe } from './scheduler';
import { checkRoom, forkRun } from './fork';
import { ViewService } from './views';
import { Evaluator } from './evaluator';
import { OodProvider } from './oodProvider';
import { PersistService } from './persistService';
import { exportRun, importRun, type BundleHost } from './bundleService';
import { isPersistMessage, type PersistToWorker } from '../persist/messages';
import { installFaults } from './faultWiring';
import { isFaultMessage } from './faultMessages';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function emit(event: FromWorker): void {
  persist.observe(event);
  if (event.type === 'metrics') faults.stepTook(event.metrics.msPerStep);
  scope.postMessage(event);
}

const scheduler = new Scheduler(emit);
// Storage (issue 6): sees every emitted event (history, checkpoints on pause and every N steps).
const persistHost: BundleHost = {
  runs: scheduler.runs,
  dataset: () => dataset,
  addRun: (run) => scheduler.add(run),
  loadDataset: (source, imageSize) => handle({ type: 'loadDataset', source, imageSize }),
  emit,
  post: (event, transfer) => {
    persist.observe(event);
    scope.postMessage(event, transfer);
  },
};
const persist = new PersistService(persistHost);
// Faults (issue 7): heartbeat, lost device, diverged runs rewound to their last good checkpoint.
const faults = installFaults(scheduler, persist, emit);
// The live views post big typed arrays, always transferred.
const views = new ViewService({ run: (id) => scheduler.runs.get(id), post: persistHost.post });
scheduler.afterStep.push((run) => views.afterStep(run));
let dataset: Dataset | null = null;
// Evaluation suite (issue 5). The decoded OOD set also feeds the embedding view's overlay.
const ood = new OodProvider(decodeImage, (info, set) => {
  emit({ type: 'oodSet', runId: null, step: 0, info });
  if (info.state === 'ready' || info.state === 'failed') views.setOod(set, dataset?.classNames ?? []);
});
const evaluator = new Evaluator({ run: (id) => scheduler.runs.get(id), dataset: () => dataset, emit }, ood);
scheduler.afterStep.push((run) => evaluator.afterStep(run));
const imports = new DatasetImports({
  decode: decodeImage,
  emit: (event, transfer) => scope.postMessage(event, transfer ?? []),
  current: () => (dataset ? { name: dataset.name, runs: scheduler.runs.size } : null),
});

async function handlePersist(message: PersistToWorker): Promise<void> {
  if (message.type === 'exportRun') return exportRun(persistHost, persist, message.runId);
  if (message.type === 'importRun') return importRun(persistHost, persist, message);
  return persist.handle(message);
}

async function handle(message: ToWorker): Promise<void> {
  if (isPersistMessage(message)) return handlePersist(message);
  switch (message.type) {
    case 'init': {
      const choice = await selectBackend(message.backend);
      faults.watchDevice();
      emit({
        type: 'ready',
        runId: null,
        step: 0,
        backend: tf.getBackend() as typeof choice.backend,
        reason: choice.reason,
        adapter: choice.adapter,
      });
      return;
    }
    case 'loadDataset': {
      // null: cancelled or failed, already reported; the dataset and runs stay as they were.
      const loaded = await imports.load(message.source, message.imageSize);
      if (!loaded) return;
      dataset = loaded;
      emit({ type: 'datasetReady', runId: null, step: 0, summary: summarize(loaded) });
      imports.sendThumbnails(loaded);
      views.setDataset(loaded.test, loaded.classNames);
      evaluator.setDataset(loaded);
      persist.datasetLoaded(loaded, message.source);
      return;
    }
    case 'createRun': {
      if (!dataset) throw new Error('load a dataset before creating a run');
      const invalid = validateModel(message.config.model);
      if (invalid) throw new Error(invalid);
      const { model, train } = message.config;
      const tooBig = explainMemoryProblem(
        estimateTrainingMemory(model, train.batch),
        memoryLimitsFor(tf.getBackend() as BackendName),
        train.batch,
      );
      if (tooBig) throw new Error(tooBig);
      checkRoom(scheduler.runs, message.runId);
      const run = new TrainingRun(message.runId, message.config, dataset.train);
      scheduler.add(run);
      emit({ type: 'runCreated', runId: run.id, step: run.step, config: run.config });
      return;
    }
    case 'start':
      scheduler.start(message.runId);
      return;
    case 'pause':
      scheduler.pause(message.runId);
      return;
    case 'step':
      scheduler.stepOnce(message.runId);
      return;
    case 'setHyper':
      scheduler.runs.get(message.runId)?.setHyper(message.hyper);
      return;
    case 'deleteRun':
      evaluator.cancel(message.runId);
      scheduler.remove(message.runId);
      views.forgetRun(message.runId);
      emit({ type: 'runDeleted', runId: message.runId, step: 0 });
      return;
    case 'forkRun': {
      const parent = scheduler.runs.get(message.parentId);
      if (!parent || !dataset) throw new Error(`no run ${message.parentId} to fork`);
      checkRoom(scheduler.runs, message.runId);
      const child = await forkRun(parent, message.runId, dataset.train);
      scheduler.add(child);
      views.onFork(parent.id, child.id);
      emit({
        type: 'runCreated',
        runId: child.id,
        step: child.step,
        config: child.config,
        forkedFrom: { runId: parent.id, step: child.step },
      });
      // A fork of a training run trains too: both continue side by side from the same step.
      if (parent.status === 'training') scheduler.start(child.id);
      return;
    }
    case 'setViews':
      views.configure(message.runId, message.settings);
      return;
    case 'refreshView':
      views.request(message.view);
      return;
    case 'runUmap':
      views.startUmap(message.runId, message.params);
      return;
    case 'cancelUmap':
      views.cancelUmap();
      return;
    case 'runEval':
      evaluator.request(message.runIds);
      return;
    case 'cancelEval':
      evaluator.cancel(message.runId);
      return;
    case 'setEvalSettings':
      evaluator.setSettings(message.settings);
      return;
    case 'setOodSource':
      ood.setSource(message.source);
      if (dataset) void ood.load(dataset.train.size);
      return;
  }
}

// Messages are handled one after another so that, say, a run is never created while the dataset
// it needs is still loading. Training itself runs in the scheduler's loop, outside this queue.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  // Fault reports and simulations must not wait behind a queue that may be what hangs.
  if (isFaultMessage(message)) {
    faults.handle(message);
    return;
  }
  // A cancel must not wait behind queued work (a fork, a dataset import) that itself waits for the
  // evaluation it would cancel.
  if (message.type === 'cancelEval') {
    evaluator.cancel(message.runId);
    return;
  }
  if (message.type === 'cancelImport') {
    imports.cancel();
    return;
  }
  // Numbered on arrival so that a cancel also reaches imports still waiting in the queue.
  if (message.type === 'loadDataset') imports.queued();
  queue = queue.then(() =>
    handle(message).catch((error: unknown) => {
      const runId = 'runId' in message ? message.runId : null;
      emit({ type: 'error', runId, step: 0, message: describe(error) });
    }),
  );
};
