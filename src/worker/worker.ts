// The training worker: owns tfjs, the dataset and every run. The UI talks to it only through
// the messages of protocol.ts.

import * as tf from '@tensorflow/tfjs';
import type { FromWorker, ToWorker } from '../protocol';
import { validateModel } from '../config';
import { summarize, type Dataset } from '../data/store';
import { decodeImage } from '../data/decodeImage';
import { selectBackend } from './backend';
import { loadDataset } from './datasetLoader';
import { TrainingRun } from './run';
import { Scheduler, describe } from './scheduler';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function emit(event: FromWorker): void {
  scope.postMessage(event);
}

const scheduler = new Scheduler(emit);
let dataset: Dataset | null = null;

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init': {
      const choice = await selectBackend(message.backend);
      emit({ type: 'ready', runId: null, step: 0, backend: tf.getBackend() as typeof choice.backend, reason: choice.reason, adapter: choice.adapter });
      return;
    }
    case 'loadDataset': {
      let lastProgress = 0;
      const loaded = await loadDataset(message.source, {
        imageSize: message.imageSize,
        decode: decodeImage,
        onProgress: (p) => {
          const now = performance.now();
          if (now - lastProgress < 100 && p.done < p.total) return;
          lastProgress = now;
          emit({ type: 'datasetProgress', runId: null, step: 0, ...p });
        },
      });
      dataset = loaded;
      emit({ type: 'datasetReady', runId: null, step: 0, summary: summarize(loaded) });
      return;
    }
    case 'createRun': {
      if (!dataset) throw new Error('load a dataset before creating a run');
      const invalid = validateModel(message.config.model);
      if (invalid) throw new Error(invalid);
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
      scheduler.remove(message.runId);
      return;
  }
}

// Messages are handled one after another so that, say, a run is never created while the dataset
// it needs is still loading. Training itself runs in the scheduler's loop, outside this queue.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  queue = queue.then(() =>
    handle(message).catch((error: unknown) => {
      const runId = 'runId' in message ? message.runId : null;
      emit({ type: 'error', runId, step: 0, message: describe(error) });
    }),
  );
};
