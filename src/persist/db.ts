// IndexedDB through idb, opened in the training worker: the worker holds the weights and the decoded
// images as typed arrays, so they are stored by structured clone where they live, without ever being
// copied to the page. Small records (run info, dataset info) are kept apart from the big ones
// (checkpoints, pixels, history chunks) so that listing storage never reads megabytes.
//
// A checkpoint is written in ONE transaction with its run record and the history rows up to its step:
// either all of it lands or none of it does (a full disk aborts the transaction), so a reload always
// finds a consistent run at the previous checkpoint, never weights from one step with history of another.

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RunConfig } from '../config';
import type { BatcherState } from '../data/batcher';
import type { Dataset, ImageSet } from '../data/store';
import type { TrainerState } from '../model/trainer';
import type { HyperParams } from '../config';
import type { SkippedFile } from '../data/datasetTypes';
import type { EvalRecord, MetricRow } from './history';

const DB_NAME = 'hybrid-lab';
const DB_VERSION = 1;
/** History rows per stored chunk: a checkpoint rewrites only the last chunk and any new ones. */
export const CHUNK_ROWS = 1000;

/** 'builtin' or a stored dataset's id. */
export type DatasetKey = string;
export const BUILTIN_KEY = 'builtin';

export interface RunRecord {
  id: string;
  datasetKey: DatasetKey;
  datasetName: string;
  config: RunConfig;
  forkedFrom: { runId: string; step: number } | null;
  step: number;
  points: number;
  evaluations: EvalRecord[];
  createdAt: number;
  savedAt: number;
  bytes: number;
}

export interface CheckpointRecord {
  id: string;
  step: number;
  hyper: HyperParams;
  batcher: BatcherState;
  trainer: TrainerState;
}

interface HistoryChunk {
  runId: string;
  chunk: number;
  rows: MetricRow[];
}

export interface DatasetRecord {
  id: string;
  name: string;
  classNames: string[];
  skipped: SkippedFile[];
  imageSize: number;
  images: number;
  bytes: number;
  savedAt: number;
}

interface DatasetPixels {
  id: string;
  train: ImageSet;
  test: ImageSet;
}

export type ActiveDataset = { kind: 'builtin'; imageSize: number } | { kind: 'stored'; id: string };

interface Settings {
  checkpointEvery: number;
}

interface LabSchema extends DBSchema {
  runs: { key: string; value: RunRecord };
  checkpoints: { key: string; value: CheckpointRecord };
  history: { key: [string, number]; value: HistoryChunk };
  datasets: { key: string; value: DatasetRecord };
  datasetPixels: { key: string; value: DatasetPixels };
  meta: { key: string; value: ActiveDataset | Settings };
}

export class LabStore {
  private constructor(private readonly db: IDBPDatabase<LabSchema>) {}

  static async open(): Promise<LabStore> {
    const db = await openDB<LabSchema>(DB_NAME, DB_VERSION, {
      upgrade(database) {
        database.createObjectStore('runs', { keyPath: 'id' });
        database.createObjectStore('checkpoints', { keyPath: 'id' });
        database.createObjectStore('history', { keyPath: ['runId', 'chunk'] });
        database.createObjectStore('datasets', { keyPath: 'id' });
        database.createObjectStore('datasetPixels', { keyPath: 'id' });
        database.createObjectStore('meta');
      },
    });
    return new LabStore(db);
  }

  /**
   * Writes run record, checkpoint and history rows [fromRow, rows.length) atomically. Chunks past the
   * last one are deleted, so a run id reused after a delete never inherits old rows.
   */
  async saveCheckpoint(run: RunRecord, checkpoint: CheckpointRecord, rows: readonly MetricRow[], fromRow: number): Promise<void> {
    const tx = this.db.transaction(['runs', 'checkpoints', 'history'], 'readwrite');
    const history = tx.objectStore('history');
    const first = Math.floor(Math.min(fromRow, rows.length) / CHUNK_ROWS);
    const last = Math.ceil(rows.length / CHUNK_ROWS); // exclusive
    const writes: Promise<unknown>[] = [tx.objectStore('runs').put(run), tx.objectStore('checkpoints').put(checkpoint)];
    for (let chunk = first; chunk < last; chunk++) {
      writes.push(history.put({ runId: run.id, chunk, rows: rows.slice(chunk * CHUNK_ROWS, (chunk + 1) * CHUNK_ROWS) }));
    }
    writes.push(history.delete(IDBKeyRange.bound([run.id, last], [run.id, Number.MAX_SAFE_INTEGER])));
    await Promise.all([...writes, tx.done]);
  }

  async runs(): Promise<RunRecord[]> {
    return this.db.getAll('runs');
  }

  async loadRun(id: string): Promise<{ checkpoint: CheckpointRecord; rows: MetricRow[] } | null> {
    const tx = this.db.transaction(['checkpoints', 'history'], 'readonly');
    const [checkpoint, chunks] = await Promise.all([
      tx.objectStore('checkpoints').get(id),
      tx.objectStore('history').getAll(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER])),
      tx.done,
    ]);
    if (!checkpoint) return null;
    chunks.sort((a, b) => a.chunk - b.chunk);
    return { checkpoint, rows: chunks.flatMap((c) => c.rows) };
  }

  async deleteRun(id: string): Promise<void> {
    const tx = this.db.transaction(['runs', 'checkpoints', 'history'], 'readwrite');
    await Promise.all([
      tx.objectStore('runs').delete(id),
      tx.objectStore('checkpoints').delete(id),
      tx.objectStore('history').delete(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER])),
      tx.done,
    ]);
  }

  async saveDataset(id: string, dataset: Dataset): Promise<DatasetRecord> {
    const { train, test } = dataset;
    const record: DatasetRecord = {
      id,
      name: dataset.name,
      classNames: dataset.classNames.slice(),
      skipped: dataset.skipped.slice(),
      imageSize: train.size,
      images: train.count + test.count,
      bytes: train.pixels.byteLength + test.pixels.byteLength + train.labels.byteLength + test.labels.byteLength,
      savedAt: Date.now(),
    };
    const tx = this.db.transaction(['datasets', 'datasetPixels'], 'readwrite');
    await Promise.all([tx.objectStore('datasetPixels').put({ id, train, test }), tx.objectStore('datasets').put(record), tx.done]);
    return record;
  }

  async datasets(): Promise<DatasetRecord[]> {
    return this.db.getAll('datasets');
  }

  async loadDataset(id: string): Promise<Dataset | null> {
    const tx = this.db.transaction(['datasets', 'datasetPixels'], 'readonly');
    const [record, pixels] = await Promise.all([tx.objectStore('datasets').get(id), tx.objectStore('datasetPixels').get(id), tx.done]);
    if (!record || !pixels) return null;
    return { name: record.name, classNames: record.classNames, skipped: record.skipped, train: pixels.train, test: pixels.test };
  }

  async deleteDataset(id: string): Promise<void> {
    const tx = this.db.transaction(['datasets', 'datasetPixels'], 'readwrite');
    await Promise.all([tx.objectStore('datasets').delete(id), tx.objectStore('datasetPixels').delete(id), tx.done]);
  }

  async activeDataset(): Promise<ActiveDataset | null> {
    const value = await this.db.get('meta', 'active');
    return value && 'kind' in value ? value : null;
  }

  async setActiveDataset(active: ActiveDataset): Promise<void> {
    await this.db.put('meta', active, 'active');
  }

  async checkpointEvery(): Promise<number | null> {
    const value = await this.db.get('meta', 'settings');
    return value && 'checkpointEvery' in value ? value.checkpointEvery : null;
  }

  async setCheckpointEvery(steps: number): Promise<void> {
    await this.db.put('meta', { checkpointEvery: steps }, 'settings');
  }
}

/** What the persistence service uses of a store: LabStore in the browser, an in-memory fake in tests. */
export type RunStore = { [K in keyof LabStore]: LabStore[K] };

/** True for a write refused because the origin's storage quota is used up. */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = (error as { name?: unknown }).name;
  return (
    name === 'QuotaExceededError' || (name === 'UnknownError' && /quota|space/i.test(String((error as { message?: unknown }).message)))
  );
}
