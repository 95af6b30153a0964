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
import type { BundleHost } from './bundleService';
import { installFaults } from './faultWiring';
import { MessageTable, type MessageHandlers } from './messageTable';
import { KernelReport } from './kernelReport';
import { fusedKernelReport } from '../model/webgpu/limits';

const scope = self as unknown as DedicatedWorkerGlobalScope;

// The badge hears of an op that fell back for a run's shapes after the ready event, with the step's metrics.
const kernelReport = new KernelReport();

function emit(event: FromWorker): void {
  persist.observe(event);
  if (event.type === 'metrics') faults.stepTook(event.metrics.msPerStep);
  scope.postMessage(event);
  if (event.type === 'metrics') {
    const kernels = kernelReport.update(fusedKernelReport());
    if (kernels) scope.postMessage({ type: 'kernels', runId: null, step: 0, kernels } satisfies FromWorker);
  }
}

const scheduler = new Scheduler(emit);
// Storage: sees every emitted event (history, checkpoints on pause and every N steps).
const persistHost: BundleHost = {
  runs: scheduler.runs,
  dataset: () => dataset,
  addRun: (run) => scheduler.add(run),
  loadDataset: async (source, imageSize) => handlers.loadDataset({ type: 'loadDataset', source, imageSize }),
  emit,
  post: (event, transfer) => {
    persist.observe(event);
    scope.postMessage(event, transfer);
  },
};
const persist = new PersistService(persistHost);
// Faults: heartbeat, lost device, diverged runs rewound to their last good checkpoint.
const faults = installFaults(scheduler, persist, emit);
// The live views post big typed arrays, always transferred.
const views = new ViewService({ run: (id) => scheduler.runs.get(id), post: persistHost.post });
scheduler.afterStep.push((run) => views.afterStep(run));
scheduler.wantsStep.push((run, step) => views.wantsStep(run, step));
let dataset: Dataset | null = null;
// Evaluation suite. The decoded OOD set also feeds the embedding view's overlay.
const ood = new OodProvider(decodeImage, (info, set) => {
  emit({ type: 'oodSet', runId: null, step: 0, info });
  if (info.state === 'ready' || info.state === 'failed') views.setOod(set, dataset?.classNames ?? []);
});
const evaluator = new Evaluator({ run: (id) => scheduler.runs.get(id), dataset: () => dataset, emit }, ood);
scheduler.afterStep.push((run) => evaluator.afterStep(run));
scheduler.wantsStep.push((_run, step) => evaluator.wantsStep(step) || persist.wantsStep(step));
const imports = new DatasetImports({
  decode: decodeImage,
  emit: (event, transfer) => scope.postMessage(event, transfer ?? []),
  current: () => (dataset ? { name: dataset.name, runs: scheduler.runs.size } : null),
});

const handlers: MessageHandlers = {
  init: async ({ backend }) => {
    const choice = await selectBackend(backend);
    faults.watchDevice();
    kernelReport.reset(choice.kernels);
    emit({
      type: 'ready',
      runId: null,
      step: 0,
      backend: tf.getBackend() as typeof choice.backend,
      reason: choice.reason,
      adapter: choice.adapter,
      kernels: choice.kernels,
    });
  },
  loadDataset: async ({ source, imageSize }) => {
    // null: cancelled or failed, already reported; the dataset and runs stay as they were.
    const loaded = await imports.load(source, imageSize);
    if (!loaded) return;
    dataset = loaded;
    emit({ type: 'datasetReady', runId: null, step: 0, summary: summarize(loaded) });
    imports.sendThumbnails(loaded);
    views.setDataset(loaded.test, loaded.classNames);
    evaluator.setDataset(loaded);
    persist.datasetLoaded(loaded, source);
  },
  cancelImport: () => imports.cancel(),
  createRun: ({ runId, config }) => {
    if (!dataset) throw new Error('load a dataset before creating a run');
    const invalid = validateModel(config.model);
    if (invalid) throw new Error(invalid);
    const { model, train } = config;
    const tooBig = explainMemoryProblem(
      estimateTrainingMemory(model, train.batch),
      memoryLimitsFor(tf.getBackend() as BackendName),
      train.batch,
    );
    if (tooBig) throw new Error(tooBig);
    checkRoom(scheduler.runs, runId);
    const run = new TrainingRun(runId, config, dataset.train);
    scheduler.add(run);
    emit({ type: 'runCreated', runId: run.id, step: run.step, config: run.config });
  },
  start: ({ runId }) => scheduler.start(runId),
  pause: ({ runId }) => scheduler.pause(runId),
  step: ({ runId }) => scheduler.stepOnce(runId),
  setHyper: ({ runId, hyper }) => scheduler.runs.get(runId)?.setHyper(hyper),
  deleteRun: ({ runId }) => {
    evaluator.cancel(runId);
    scheduler.remove(runId);
    views.forgetRun(runId);
    emit({ type: 'runDeleted', runId, step: 0 });
  },
  forkRun: async ({ runId, parentId }) => {
    const parent = scheduler.runs.get(parentId);
    if (!parent || !dataset) throw new Error(`no run ${parentId} to fork`);
    checkRoom(scheduler.runs, runId);
    const child = await forkRun(parent, runId, dataset.train);
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
  },
  setViews: ({ runId, settings }) => views.configure(runId, settings),
  refreshView: ({ view }) => views.request(view),
  runUmap: ({ runId, params }) => views.startUmap(runId, params),
  cancelUmap: () => views.cancelUmap(),
  runEval: ({ runIds }) => evaluator.request(runIds),
  cancelEval: ({ runId }) => evaluator.cancel(runId),
  setEvalSettings: ({ settings }) => evaluator.setSettings(settings),
  setOodSource: ({ source }) => {
    ood.setSource(source);
    if (dataset) void ood.load(dataset.train.size);
  },
  restoreSession: (message) => persist.handle(message),
  storage: (message) => persist.handle(message),
  // Run bundles (zip export and import) load on first use: the first training step does not need them.
  exportRun: async ({ runId }) => (await import('./bundleService')).exportRun(persistHost, persist, runId),
  importRun: async (message) => (await import('./bundleService')).importRun(persistHost, persist, message),
  reportMemory: (message) => faults.handle(message),
  simulateFault: (message) => faults.handle(message),
};

const table = new MessageTable(handlers, {
  onError: (message, error) => emit({ type: 'error', runId: 'runId' in message ? message.runId : null, step: 0, message: describe(error) }),
  runExists: (runId) => scheduler.runs.has(runId),
  // Numbered on arrival so that a cancel also reaches imports still waiting in the queue.
  onArrival: (message) => {
    if (message.type === 'loadDataset') imports.queued();
  },
});
scope.onmessage = (event: MessageEvent<ToWorker>) => table.receive(event.data);
