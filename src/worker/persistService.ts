// Persistence inside the training worker: checkpoints every N steps and on pause, the
// stored dataset, restore on reload, and the storage commands of the UI. It learns what happens only
// from the events the worker emits (observe), so the training code knows nothing about storage.
// Writes are queued one after another, so an older checkpoint never lands after a newer one; a failed
// write (a full disk) keeps the previous checkpoint and is reported, never dropped silently.

import type { Dataset } from '../data/store';
import type { DatasetSource } from '../data/datasetTypes';
import type { FromWorker } from '../protocol';
import { deviceLock } from './deviceLock';
import { checkRoom } from './fork';
import type { RunCheckpoint, TrainingRun } from './run';
import { BUILTIN_KEY, type DatasetKey, type RunRecord, type RunStore } from '../persist/db';
import { historyEvents, historyUpTo, type RunHistory } from '../persist/history';
import { perVariableStepCounts } from '../persist/migrate';
import { CHECKPOINT_EVERY_LIMITS, DEFAULT_CHECKPOINT_EVERY, type PersistToWorker, type StorageCommand } from '../persist/messages';
import { describeWriteFailure, storageInfo } from '../persist/storageInfo';
import { RunRecorder } from './runRecorder';
import { restorePlan } from '../persist/restorePlan';
import { restoreRun } from './restoreRun';
import { openSessionStore, type SessionStore } from '../persist/session';
import { isFiniteCheckpoint } from './divergence';

export interface PersistHost {
  readonly runs: ReadonlyMap<string, TrainingRun>;
  dataset(): Dataset | null;
  addRun(run: TrainingRun): void;
  /** The worker's own dataset loading (progress, views, evaluator), for the restored dataset. */
  loadDataset(source: DatasetSource, imageSize: number): Promise<void>;
  emit(event: FromWorker): void;
}

interface RunMeta {
  dataset: { key: DatasetKey; name: string };
  forkedFrom: { runId: string; step: number } | null;
}

/** What storage holds of a run: history rows, the checkpoint's step, when the run was first saved. */
interface SavedState {
  rows: number;
  step: number;
  createdAt: number;
}

interface Captured {
  step: number;
  checkpoint: RunCheckpoint;
}

export class PersistService {
  readonly recorder = new RunRecorder();
  /** Where checkpoints go; null when this tab does not save. */
  private store: RunStore | null = null;
  /** What was saved, readable even when this tab may not write. */
  private reader: RunStore | null = null;
  private unavailable: string | null = 'storage is opening';
  private checkpointEvery = DEFAULT_CHECKPOINT_EVERY;
  private active: { key: DatasetKey; name: string } = { key: BUILTIN_KEY, name: '' };
  /** Per run: the dataset it trains on and the run it was forked from, for its stored record. */
  private readonly runMeta = new Map<string, RunMeta>();
  /** Per run: history rows already stored, and the step and time of the stored checkpoint. */
  private readonly saved = new Map<string, SavedState>();
  private writes: Promise<void> = Promise.resolve();
  private lastError: string | null = null;

  /** `open` is the browser's IndexedDB session; tests pass an in-memory store. */
  constructor(
    private readonly host: PersistHost,
    private readonly open: (late: () => void) => Promise<SessionStore> = openSessionStore,
  ) {}

  /** Whether the metrics of `step` will trigger a checkpoint (the scheduler then settles that step before the next). */
  wantsStep(step: number): boolean {
    return step % this.checkpointEvery === 0;
  }

  /** Every event the worker emits passes through here before it is posted. */
  observe(event: FromWorker): void {
    this.recorder.observe(event);
    if (!event.runId) return;
    const runId = event.runId;
    switch (event.type) {
      case 'runCreated':
        // Saved at once, so a run (a fork above all) exists after a reload even before its first save.
        this.runMeta.set(runId, { dataset: this.active, forkedFrom: event.forkedFrom ?? null });
        this.checkpoint(runId);
        return;
      case 'metrics':
        if (event.step % this.checkpointEvery === 0) this.checkpoint(runId);
        return;
      case 'runStatus':
        if (event.status === 'paused') this.checkpoint(runId);
        return;
      case 'runDeleted':
        this.runMeta.delete(runId);
        this.saved.delete(runId);
        this.enqueue(`deleting ${runId}`, async (store) => store.deleteRun(runId));
        return;
      default:
        return;
    }
  }

  async handle(message: Exclude<PersistToWorker, { type: 'exportRun' | 'importRun' }>): Promise<void> {
    if (message.type === 'restoreSession') return this.restoreSession(message.builtin, message.imageSize);
    return this.command(message.command);
  }

  /** Called by the worker after a dataset became the current one. */
  datasetLoaded(dataset: Dataset, source: DatasetSource): void {
    if (source.kind === 'url') {
      this.active = { key: BUILTIN_KEY, name: dataset.name };
      this.enqueue('remembering the dataset', (store) => store.setActiveDataset({ kind: 'builtin', imageSize: dataset.train.size }));
      return;
    }
    if (source.kind === 'stored') {
      this.active = { key: source.id, name: dataset.name };
      this.enqueue('remembering the dataset', (store) => store.setActiveDataset({ kind: 'stored', id: source.id }));
      return;
    }
    const id = `dataset-${Date.now().toString(36)}`;
    this.active = { key: id, name: dataset.name };
    this.enqueue(`storing the dataset ${dataset.name}`, async (store) => {
      await store.saveDataset(id, dataset);
      await store.setActiveDataset({ kind: 'stored', id });
    });
  }

  /** Captures the run between two steps and queues the write; a failure is reported, never dropped. */
  checkpoint(runId: string): void {
    const run = this.host.runs.get(runId);
    if (!run || !this.store) return;
    void this.capture(run)
      .then((captured) => {
        if (captured) this.enqueue(`saving ${run.id} at step ${captured.step}`, (store) => this.write(store, run, captured));
      })
      .catch((error: unknown) => this.fail(`saving ${run.id}`, error));
  }

  /** Resolves once every capture asked for so far is written (or has failed and been reported). */
  async flushed(): Promise<void> {
    let tail: Promise<void>;
    do {
      tail = this.writes;
      await deviceLock.run(async () => undefined);
      await tail;
    } while (tail !== this.writes);
  }

  /**
   * The newest checkpoint written for a run, once pending writes are done (a diverged run goes back to
   * it). Null when this tab does not save or nothing is saved yet.
   */
  async lastGood(runId: string): Promise<Captured | null> {
    await this.flushed();
    const saved = this.store ? await this.store.loadRun(runId) : null;
    if (!saved) return null;
    const { trainer, batcher, hyper, step } = saved.checkpoint;
    return { step, checkpoint: { trainer, batcher, hyper } };
  }

  /** The run's state between two steps (under the device lock), or null if it is gone. */
  capture(run: TrainingRun): Promise<Captured | null> {
    return deviceLock.run(async () =>
      this.host.runs.get(run.id) === run ? { step: run.step, checkpoint: await run.exportCheckpoint() } : null,
    );
  }

  /** Starts tracking a run that came from storage or a file, with the history it already had. */
  adopt(run: TrainingRun, history: RunHistory, saved: SavedState | null, forkedFrom: RunMeta['forkedFrom'] = null): void {
    this.recorder.adopt(run.id, history);
    this.runMeta.set(run.id, { dataset: this.active, forkedFrom });
    if (saved) this.saved.set(run.id, saved);
    else this.saved.delete(run.id);
  }

  private async write(store: RunStore, run: TrainingRun, { step, checkpoint }: Captured): Promise<void> {
    // A run deleted (or replaced under its id) since the capture is not written back.
    if (this.host.runs.get(run.id) !== run) return;
    const previous = this.saved.get(run.id);
    // Nothing new since the stored checkpoint (a pause right after a periodic save).
    if (previous && previous.step === step) return;
    const history = historyUpTo(this.recorder.history(run.id), step);
    const last = history.metrics[history.metrics.length - 1];
    // A diverged step's weights hold NaN: keep the last good checkpoint instead.
    if (last && last.step === step && !Number.isFinite(last.lossTotal)) return;
    // The loss of step s is computed before its update, so the weights can hold NaN while it is finite.
    if (!isFiniteCheckpoint(checkpoint)) return;
    const meta = this.runMeta.get(run.id) ?? { dataset: this.active, forkedFrom: null };
    const dataset = meta.dataset;
    const bytes = [...checkpoint.trainer.weights, ...checkpoint.trainer.optimizer].reduce((n, t) => n + t.values.byteLength, 0);
    const now = Date.now();
    const record: RunRecord = {
      id: run.id,
      datasetKey: dataset.key,
      datasetName: dataset.name,
      config: run.config,
      forkedFrom: meta.forkedFrom,
      step,
      points: history.metrics.length,
      evaluations: history.evaluations,
      createdAt: previous?.createdAt ?? now,
      savedAt: now,
      bytes,
    };
    await store.saveCheckpoint(record, { id: run.id, step, ...checkpoint }, history.metrics, previous?.rows ?? 0);
    this.saved.set(run.id, { rows: history.metrics.length, step, createdAt: record.createdAt });
  }

  private async restoreSession(builtin: DatasetSource & { kind: 'url' }, imageSize: number): Promise<void> {
    const opened = await this.open(() => {
      this.store = opened.reader;
      this.unavailable = null;
      void this.emitInfo();
    });
    this.reader = opened.reader;
    this.store = opened.writable ? opened.reader : null;
    this.unavailable = opened.reason;
    if (opened.notice) this.host.emit({ type: 'error', runId: null, step: 0, message: opened.notice });
    const store = opened.reader;
    const [active, records, datasets] = store ? await Promise.all([store.activeDataset(), store.runs(), store.datasets()]) : [null, [], []];
    const every = store ? await store.checkpointEvery() : null;
    if (every !== null) this.checkpointEvery = every;
    const { source, imageSize: size } = restorePlan(active, records, datasets, builtin, imageSize);
    let restored = 0;
    // Always answered, even when loading fails: the UI waits for it before creating a first run.
    try {
      await this.host.loadDataset(source, size);
      if (!this.host.dataset() && source.kind === 'stored') {
        // The dataset loader has said why; the built-in data is always there to fall back on.
        await this.host.loadDataset(builtin, imageSize);
      }
      const dataset = this.host.dataset();
      if (store && dataset) {
        const mine = records.filter((r) => r.datasetKey === this.active.key && r.config.model.imageSize === dataset.train.size);
        mine.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
        for (const record of mine) {
          if (await this.restoreOne(store, record, dataset)) restored++;
        }
      }
    } finally {
      this.host.emit({ type: 'sessionRestored', runId: null, step: 0, runs: restored });
      await this.emitInfo();
    }
  }

  private async restoreOne(store: RunStore, record: RunRecord, dataset: Dataset): Promise<boolean> {
    try {
      checkRoom(this.host.runs, record.id);
      const saved = await store.loadRun(record.id);
      if (!saved) throw new Error('its checkpoint is missing');
      const { checkpoint, rows } = saved;
      // A checkpoint saved by a version with one AdamW update count gets one per variable (migrate.ts).
      const trainer = { ...checkpoint.trainer, optimizer: perVariableStepCounts(checkpoint.trainer.optimizer, rows) };
      const run = restoreRun(record.id, { config: record.config, ...checkpoint, trainer }, dataset.train);
      const history: RunHistory = { metrics: rows, evaluations: record.evaluations };
      run.status = 'paused';
      this.host.addRun(run);
      this.adopt(run, history, { rows: rows.length, step: checkpoint.step, createdAt: record.createdAt }, record.forkedFrom);
      this.host.emit({
        type: 'runRestored',
        runId: run.id,
        step: run.step,
        origin: 'checkpoint',
        config: record.config,
        forkedFrom: record.forkedFrom,
        hyper: checkpoint.hyper,
        status: 'paused',
        history: historyEvents(history, run.id),
        message: `Restored ${run.id} from its checkpoint at step ${run.step}`,
      });
      return true;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.host.emit({
        type: 'error',
        runId: null,
        step: 0,
        message: `${record.id} could not be restored (${reason}); it stays in storage.`,
      });
      return false;
    }
  }

  private async command(command: StorageCommand): Promise<void> {
    switch (command.kind) {
      case 'refresh':
        break;
      case 'deleteRun':
        // A stored run that is not loaded; a loaded one is deleted through the run list.
        if (this.host.runs.has(command.runId)) throw new Error(`${command.runId} is open: delete it from the run list`);
        this.enqueue(`deleting ${command.runId}`, (store) => store.deleteRun(command.runId));
        break;
      case 'deleteDataset':
        if (command.datasetId === this.active.key) throw new Error('that dataset is in use; load another one before deleting it');
        this.enqueue('deleting the dataset', (store) => store.deleteDataset(command.datasetId));
        break;
      case 'setCheckpointEvery': {
        const { min, max } = CHECKPOINT_EVERY_LIMITS;
        this.checkpointEvery = Math.round(
          Math.min(max, Math.max(min, Number.isFinite(command.steps) ? command.steps : DEFAULT_CHECKPOINT_EVERY)),
        );
        const steps = this.checkpointEvery;
        this.enqueue('saving the setting', (store) => store.setCheckpointEvery(steps));
        break;
      }
    }
    await this.writes;
    await this.emitInfo();
  }

  private enqueue(what: string, write: (store: RunStore) => Promise<void>): void {
    const store = this.store;
    if (!store) return;
    this.writes = this.writes
      .then(() => write(store))
      .then(
        () => {
          this.lastError = null;
          return this.emitInfo();
        },
        (error: unknown) => this.fail(what, error),
      );
  }

  private fail(what: string, error: unknown): Promise<void> {
    this.lastError = describeWriteFailure(what, error);
    this.host.emit({ type: 'error', runId: null, step: 0, message: this.lastError });
    return this.emitInfo();
  }

  async emitInfo(): Promise<void> {
    const store = this.reader;
    const [runs, datasets] = store ? await Promise.all([store.runs(), store.datasets()]).catch(() => [[], []] as const) : [[], []];
    const info = storageInfo(runs, datasets, {
      writable: this.store !== null,
      reason: this.unavailable,
      checkpointEvery: this.checkpointEvery,
      loaded: (id) => this.host.runs.has(id),
      activeDataset: this.active.key,
      lastError: this.lastError,
    });
    this.host.emit({ type: 'storageInfo', runId: null, step: 0, info });
  }
}
