import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../data/store';
import { useCpu } from '../model/model.testing';
import type { DatasetSource } from '../data/datasetTypes';
import type { FromWorker } from '../protocol';
import { deviceLock } from './deviceLock';
import { TrainingRun } from './run';
import { MemoryStore } from '../persist/memoryStore';
import { PersistService, type PersistHost } from './persistService';
import { MICRO_CONFIG, legacyOptimizerState, fakeDataset, FAKE_BUILTIN } from '../persist/persist.testing';

beforeAll(useCpu);

const size = MICRO_CONFIG.model.imageSize;
const DATA = fakeDataset(10);
const BUILTIN = FAKE_BUILTIN;

class QuotaError extends Error {
  override name = 'QuotaExceededError';
}

/** The worker around a PersistService: runs, a dataset, and every emitted event observed first. */
class Harness {
  readonly events: FromWorker[] = [];
  readonly runs = new Map<string, TrainingRun>();
  readonly loads: { source: DatasetSource; imageSize: number }[] = [];
  readonly service: PersistService;
  private dataset: Dataset | null = null;

  constructor(store: MemoryStore, writable = true) {
    const host: PersistHost = {
      runs: this.runs,
      dataset: () => this.dataset,
      addRun: (run) => this.runs.set(run.id, run),
      loadDataset: async (source, imageSize) => {
        this.loads.push({ source, imageSize });
        this.dataset = DATA;
        this.service.datasetLoaded(DATA, source);
      },
      emit: (event) => this.emit(event),
    };
    this.service = new PersistService(host, async () => ({
      reader: store,
      writable,
      reason: writable ? null : 'another tab saves',
      notice: null,
    }));
  }

  emit(event: FromWorker): void {
    this.service.observe(event);
    this.events.push(event);
  }

  of<T extends FromWorker['type']>(type: T): Extract<FromWorker, { type: T }>[] {
    return this.events.filter((e): e is Extract<FromWorker, { type: T }> => e.type === type);
  }

  async restore(imageSize = size): Promise<void> {
    await this.service.handle({ type: 'restoreSession', builtin: BUILTIN, imageSize });
  }

  create(id: string): TrainingRun {
    const run = new TrainingRun(id, MICRO_CONFIG, DATA.train);
    this.runs.set(id, run);
    this.emit({ type: 'runCreated', runId: id, step: 0, config: run.config });
    return run;
  }

  async step(id: string): Promise<number[]> {
    const run = this.runs.get(id)!;
    const report = await deviceLock.run(() => run.trainOneStep());
    this.emit({ type: 'metrics', runId: id, step: report.step, metrics: report.metrics, hyper: report.hyper });
    return [report.step, report.metrics.lossTotal, report.metrics.lossCon, report.metrics.bitsPerDim];
  }

  pause(id: string): void {
    this.runs.get(id)!.status = 'paused';
    this.emit({ type: 'runStatus', runId: id, step: this.runs.get(id)!.step, status: 'paused' });
  }

  dispose(): void {
    for (const run of this.runs.values()) run.dispose();
  }
}

describe('PersistService', () => {
  it('checkpoints every N steps and on pause; a new session restores runs with their history, and they continue exactly', async () => {
    const store = new MemoryStore();
    const first = new Harness(store);
    await first.restore();
    expect(first.of('sessionRestored')).toEqual([{ type: 'sessionRestored', runId: null, step: 0, runs: 0 }]);
    expect(first.loads[0]).toEqual({ source: BUILTIN, imageSize: size });
    await first.service.handle({ type: 'storage', command: { kind: 'setCheckpointEvery', steps: 2 } });
    first.create('run-1');
    await first.service.flushed();
    expect(store.checkpoints.get('run-1')?.step).toBe(0); // saved on creation
    await first.step('run-1');
    await first.step('run-1');
    await first.service.flushed();
    expect(store.checkpoints.get('run-1')?.step).toBe(2); // every 2 steps
    await first.step('run-1');
    first.pause('run-1');
    await first.service.flushed();
    expect(store.checkpoints.get('run-1')?.step).toBe(3); // on pause
    expect(store.rows.get('run-1')?.map((r) => r.step)).toEqual([1, 2, 3]);
    expect(store.runRecords.get('run-1')).toMatchObject({ step: 3, points: 3, datasetKey: 'builtin' });
    const uninterrupted = await first.step('run-1');

    // A reload: the URL's preset asks for 16px, but the saved runs decide the built-in data's size.
    const second = new Harness(store);
    await second.restore(16);
    expect(second.loads[0].imageSize).toBe(size);
    const [restored] = second.of('runRestored');
    expect(restored).toMatchObject({ runId: 'run-1', step: 3, origin: 'checkpoint', status: 'paused', forkedFrom: null });
    const live = first.of('metrics').slice(0, 3);
    expect(restored.history).toEqual(live);
    expect(second.of('sessionRestored')[0].runs).toBe(1);
    expect(await second.step('run-1')).toEqual(uninterrupted);
    first.dispose();
    second.dispose();
  });

  it('restores a checkpoint saved with one AdamW update count (schema 2) with per-variable counts from its history', async () => {
    const store = new MemoryStore();
    const first = new Harness(store);
    await first.restore();
    const run = first.create('run-1');
    run.setHyper({ lambdaCon: 0 }); // two steps of the generative loss only: the contrastive head sits out
    await first.step('run-1');
    await first.step('run-1');
    run.setHyper({ lambdaCon: 1 });
    await first.step('run-1');
    first.pause('run-1');
    await first.service.flushed();
    const stored = store.checkpoints.get('run-1')!;
    const exact = stored.trainer.optimizer;
    expect(exact.find((s) => s.name === 'con_fc1/w/t')?.values[0]).toBe(1);
    stored.trainer.optimizer = legacyOptimizerState(exact);
    const uninterrupted = await first.step('run-1');

    const second = new Harness(store);
    await second.restore();
    expect(second.of('runRestored')).toHaveLength(1);
    const restored = await second.runs.get('run-1')!.exportCheckpoint();
    expect(restored.trainer.optimizer.map((s) => [s.name, Array.from(s.values)])).toEqual(exact.map((s) => [s.name, Array.from(s.values)]));
    expect(await second.step('run-1')).toEqual(uninterrupted);
    first.dispose();
    second.dispose();
  });

  it('reports a full disk and keeps the previous checkpoint; the next good write clears the report', async () => {
    const store = new MemoryStore();
    const h = new Harness(store);
    await h.restore();
    h.create('run-1');
    await h.step('run-1');
    h.pause('run-1');
    await h.service.flushed();
    expect(store.checkpoints.get('run-1')?.step).toBe(1);
    store.failNext = new QuotaError('The quota has been exceeded.');
    await h.step('run-1');
    h.pause('run-1');
    await h.service.flushed();
    const errors = h.of('error').map((e) => e.message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Storage is full: saving run-1 at step 2 failed, so a reload would go back to the previous checkpoint/);
    expect(store.checkpoints.get('run-1')?.step).toBe(1);
    expect(h.of('storageInfo').at(-1)?.info.lastError).toBe(errors[0]);
    await h.step('run-1');
    h.pause('run-1');
    await h.service.flushed();
    expect(store.checkpoints.get('run-1')?.step).toBe(3);
    expect(store.rows.get('run-1')).toHaveLength(3);
    expect(h.of('storageInfo').at(-1)?.info.lastError).toBeNull();
    h.dispose();
  });

  it('forgets a deleted run, never writes from a tab that does not hold the lock, and remembers a user dataset', async () => {
    const store = new MemoryStore();
    const h = new Harness(store);
    await h.restore();
    h.create('run-1');
    await h.service.flushed();
    expect(store.runRecords.has('run-1')).toBe(true);
    h.runs.get('run-1')!.dispose();
    h.runs.delete('run-1');
    h.emit({ type: 'runDeleted', runId: 'run-1', step: 0 });
    await h.service.flushed();
    expect(store.runRecords.has('run-1')).toBe(false);

    h.service.datasetLoaded(DATA, { kind: 'files', files: [] });
    await h.service.flushed();
    const [saved] = await store.datasets();
    expect(saved).toMatchObject({ name: 'fake data', images: 14 });
    const next = new Harness(store, false);
    await next.restore();
    expect(next.loads[0].source).toEqual({ kind: 'stored', id: saved.id, name: 'fake data' });
    const before = store.writes;
    next.create('run-9');
    await next.step('run-9');
    next.pause('run-9');
    await next.service.flushed();
    expect(store.writes).toBe(before);
    expect(next.of('storageInfo').at(-1)?.info).toMatchObject({ available: false, reason: 'another tab saves' });
    h.dispose();
    next.dispose();
  });
});
