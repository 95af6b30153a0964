import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../config';
import type { FromWorker, ToWorker } from '../../protocol';
import { WorkerEvents } from '../connection/workerEvents';
import { PersistController } from './persistController';
import { TrainerStore } from '../training/trainerStore';

function harness() {
  const store = new TrainerStore();
  const posted: { message: ToWorker; transfer?: Transferable[] }[] = [];
  const downloads: string[] = [];
  const events = new WorkerEvents();
  const controller = new PersistController({
    post: (message, transfer) => posted.push({ message, transfer }),
    store,
    newRunId: () => events.newRunId(),
    download: (name) => downloads.push(name),
  });
  events.add(store, controller);
  const apply = (event: FromWorker) => events.dispatch(event);
  return { store, posted, events, downloads, controller, apply };
}

const config = presetConfig('tiny');
const metrics = (runId: string, step: number, lossTotal: number): FromWorker => ({
  type: 'metrics',
  runId,
  step,
  metrics: { lossTotal, lossCon: 1, bitsPerDim: 2, conTop1: 0.5, imagesPerSec: 9, msPerStep: 5 },
  hyper: { ...config.hyper, lr: step < 3 ? config.hyper.lr : 0.01 },
});

describe('PersistController and the store', () => {
  it('turns a restored run into a created run with its history, hyperparameter marks and status', () => {
    const h = harness();
    expect(h.controller.restoring).toBe(true);
    h.apply({
      type: 'runRestored',
      runId: 'run-3',
      step: 3,
      origin: 'checkpoint',
      config,
      forkedFrom: { runId: 'run-1', step: 1 },
      hyper: { ...config.hyper, lambdaCon: 0.5 },
      status: 'paused',
      history: [metrics('run-3', 2, 4), metrics('run-3', 3, 3.5)].filter(
        (e): e is Extract<FromWorker, { type: 'metrics' }> => e.type === 'metrics',
      ),
      message: 'Restored run-3',
    });
    const run = h.store.getSnapshot().runs[0];
    expect(run).toMatchObject({
      id: 'run-3',
      step: 3,
      status: 'paused',
      forkedFrom: { runId: 'run-1', step: 1 },
      hyper: { lambdaCon: 0.5 },
    });
    expect(run.history.map((p) => [p.step, p.lossTotal])).toEqual([
      [2, 4],
      [3, 3.5],
    ]);
    expect(run.hyperChanges.map((c) => [c.step, c.hyper.lr])).toEqual([[3, 0.01]]);
    // The restored run's id is taken, as a created run's is.
    expect(h.events.newRunId()).toBe('run-4');
    expect(h.store.getSnapshot().status.text).toBe('Restored run-3');
    h.apply({ type: 'sessionRestored', runId: null, step: 0, runs: 1 });
    expect(h.controller.restoring).toBe(false);
  });

  it('imports a file under a fresh id, transferring its bytes, and refuses a huge file without reading it', async () => {
    const h = harness();
    h.apply({ type: 'runCreated', runId: 'run-1', step: 0, config });
    h.apply({
      type: 'storageInfo',
      runId: null,
      step: 0,
      info: {
        available: true,
        reason: null,
        checkpointEvery: 50,
        runs: [{ id: 'run-4', step: 1, points: 1, preset: 'tiny', datasetName: 'x', loaded: false, savedAt: 0, bytes: 1 }],
        datasets: [],
        lastError: null,
      },
    });
    h.controller.actions().importRunFile(new File([new Uint8Array([1, 2, 3])], 'run.zip'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const [{ message, transfer }] = h.posted;
    expect(message).toMatchObject({ type: 'importRun', runId: 'run-5', fileName: 'run.zip' });
    expect(message.type === 'importRun' && Array.from(message.bytes)).toEqual([1, 2, 3]);
    expect(transfer).toHaveLength(1);

    const huge = { name: 'huge.zip', size: 2 ** 31, arrayBuffer: () => Promise.reject(new Error('must not be read')) } as unknown as File;
    h.controller.actions().importRunFile(huge);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(h.posted).toHaveLength(1);
    expect(h.store.getSnapshot().status).toMatchObject({ kind: 'error' });
    expect(h.store.getSnapshot().status.text).toMatch(/^huge.zip was not imported: .*Nothing was changed/);
  });

  it('offers an exported bundle as a download and says what it left out', () => {
    const h = harness();
    h.apply({
      type: 'runExported',
      runId: 'run-1',
      step: 7,
      fileName: 'hybrid-lab-run-1-step7.zip',
      bytes: new Uint8Array(4),
      notes: ['no samples: none drawn'],
    });
    expect(h.downloads).toEqual(['hybrid-lab-run-1-step7.zip']);
    expect(h.store.getSnapshot().status.text).toBe('Exported run-1 at step 7 as hybrid-lab-run-1-step7.zip (no samples: none drawn)');
  });
});
