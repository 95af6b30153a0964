import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../config';
import type { DatasetSummary } from '../../data/datasetTypes';
import type { FromWorker, ToWorker } from '../../protocol';
import { WorkerEvents } from '../connection/workerEvents';
import { DatasetController } from './datasetController';
import { TrainerStore } from '../training/trainerStore';

const summary = (train: number, test: number): DatasetSummary => ({
  name: 'new',
  trainCount: train,
  testCount: test,
  imageSize: 16,
  classNames: ['a', 'b'],
  trainPerClass: [train / 2, train / 2],
  skipped: [],
});

function harness() {
  const posted: ToWorker[] = [];
  const store = new TrainerStore();
  let clock = 0;
  const config = presetConfig('tiny');
  const events = new WorkerEvents();
  const controller = new DatasetController({
    post: (m) => posted.push(m),
    store,
    newRunId: () => events.newRunId(),
    runConfig: () => config,
    now: () => clock,
  });
  events.add(store, controller);
  const deliver = (event: FromWorker) => events.dispatch(event);
  const addRun = (runId: string) => deliver({ type: 'runCreated', runId, step: 0, config });
  return { posted, store, controller, actions: controller.actions(), deliver, addRun, config, tick: (ms: number) => (clock += ms) };
}

const files = [new File(['x'], 'x.zip')];

describe('DatasetController', () => {
  it('imports straight away when there are no runs, at the run config image size', () => {
    const h = harness();
    h.actions.importFiles(files, ['data/x.zip']);
    expect(h.posted).toEqual([{ type: 'loadDataset', source: { kind: 'files', files, paths: ['data/x.zip'] }, imageSize: 16 }]);
    expect(h.controller.getSnapshot().importing).toBe(1);
  });

  it('asks before replacing a dataset that runs train on, and posts nothing until confirmed', () => {
    const h = harness();
    h.addRun('run-1');
    h.actions.importFiles(files);
    expect(h.posted).toEqual([]);
    expect(h.controller.getSnapshot().pendingReplace).toEqual({ label: 'x.zip', files: 1, runs: 1 });
    h.actions.confirmReplace();
    expect(h.posted.map((m) => m.type)).toEqual(['loadDataset']);
    expect(h.controller.getSnapshot().pendingReplace).toBeNull();
  });

  it('keeping the dataset drops the picked files and says so', () => {
    const h = harness();
    h.addRun('run-1');
    h.actions.importFiles(files);
    h.actions.keepDataset();
    h.actions.confirmReplace();
    expect(h.posted).toEqual([]);
    expect(h.store.getSnapshot().status.text).toBe('Kept the current dataset and runs.');
  });

  it('on a new dataset deletes every run and creates one fresh run with an unused id', () => {
    const h = harness();
    h.addRun('run-1');
    h.addRun('run-3');
    h.deliver({ type: 'runDeleted', runId: 'run-3', step: 0 });
    h.controller.replaceRuns();
    expect(h.posted).toEqual([
      { type: 'deleteRun', runId: 'run-1' },
      { type: 'createRun', runId: 'run-4', config: h.config },
    ]);
  });

  it('the first dataset just gets run-1', () => {
    const h = harness();
    h.controller.replaceRuns();
    expect(h.posted).toEqual([{ type: 'createRun', runId: 'run-1', config: h.config }]);
  });

  it('a cancelled import keeps the dataset and runs, clears the progress and reports it', () => {
    const h = harness();
    h.deliver({ type: 'datasetReady', runId: null, step: 0, summary: summary(90, 10) });
    h.addRun('run-1');
    h.actions.importFiles(files);
    h.actions.confirmReplace();
    h.deliver({ type: 'datasetProgress', runId: null, step: 0, phase: 'decoding', done: 10, total: 100 });
    h.actions.cancelImport();
    expect(h.posted[h.posted.length - 1]).toEqual({ type: 'cancelImport' });
    h.deliver({ type: 'datasetStopped', runId: null, step: 0, reason: 'cancelled', message: 'Import cancelled; kept' });
    const snap = h.store.getSnapshot();
    expect(snap.progress).toBeNull();
    expect(snap.dataset?.name).toBe('new');
    expect(snap.runs.map((r) => r.id)).toEqual(['run-1']);
    expect(snap.status).toEqual({ kind: 'info', text: 'Import cancelled; kept' });
    expect(h.controller.getSnapshot().importing).toBe(0);
  });

  it('measures the rate within a phase and the time of the whole import', () => {
    const h = harness();
    h.actions.importFiles(files);
    const progress = (phase: string, done: number) =>
      h.deliver({ type: 'datasetProgress', runId: null, step: 0, phase, done, total: 1000 });
    progress('reading', 1);
    h.tick(100);
    progress('decoding', 0);
    h.tick(100);
    progress('decoding', 100);
    expect(h.controller.getSnapshot().rate).toBeNull();
    h.tick(400);
    progress('decoding', 1000);
    expect(h.controller.getSnapshot().rate).toEqual({ phase: 'decoding', perSecond: 2000 });
    h.tick(400);
    h.deliver({ type: 'datasetReady', runId: null, step: 0, summary: summary(900, 100) });
    expect(h.controller.getSnapshot()).toMatchObject({ importing: 0, rate: null, lastImport: { images: 1000, seconds: 1 } });
  });

  it('a second pick during an import cancels the first; both finishing leaves nothing running', () => {
    const h = harness();
    h.actions.importFiles(files);
    h.actions.importFiles(files);
    expect(h.posted.map((m) => m.type)).toEqual(['loadDataset', 'cancelImport', 'loadDataset']);
    h.deliver({ type: 'datasetStopped', runId: null, step: 0, reason: 'cancelled', message: 'cancelled' });
    expect(h.controller.getSnapshot().importing).toBe(1);
    h.deliver({ type: 'datasetReady', runId: null, step: 0, summary: summary(2, 0) });
    expect(h.controller.getSnapshot().importing).toBe(0);
  });

  it('keeps the thumbnails the worker sends until the next dataset arrives', () => {
    const h = harness();
    const thumbnails = { size: 1, groups: [{ label: 0, count: 1 }], pixels: new Uint8Array(3) };
    h.deliver({ type: 'datasetThumbnails', runId: null, step: 0, thumbnails });
    expect(h.controller.getSnapshot().thumbnails).toBe(thumbnails);
    h.deliver({ type: 'datasetReady', runId: null, step: 0, summary: summary(2, 0) });
    expect(h.controller.getSnapshot().thumbnails).toBeNull();
  });
});
