// An in-memory RunStore for the Node tests of the persistence service: values are structured-cloned
// in and out as IndexedDB does, a write can be made to fail as a full disk does (all or nothing, like
// an aborted transaction), and nothing else is simulated. Not imported by app code.

import type { Dataset } from '../data/store';
import type { MetricRow } from './history';
import type { ActiveDataset, CheckpointRecord, DatasetRecord, RunRecord, RunStore } from './db';

export class MemoryStore implements RunStore {
  readonly runRecords = new Map<string, RunRecord>();
  readonly checkpoints = new Map<string, CheckpointRecord>();
  readonly rows = new Map<string, MetricRow[]>();
  readonly datasetRecords = new Map<string, { record: DatasetRecord; dataset: Dataset }>();
  private active: ActiveDataset | null = null;
  private every: number | null = null;
  /** The next write throws this (once) and changes nothing. */
  failNext: Error | null = null;
  writes = 0;

  private mayWrite(): void {
    const error = this.failNext;
    this.failNext = null;
    if (error) throw error;
    this.writes++;
  }

  async saveCheckpoint(run: RunRecord, checkpoint: CheckpointRecord, rows: readonly MetricRow[]): Promise<void> {
    this.mayWrite();
    this.runRecords.set(run.id, structuredClone(run));
    this.checkpoints.set(run.id, structuredClone(checkpoint));
    this.rows.set(run.id, structuredClone([...rows]));
  }

  async runs(): Promise<RunRecord[]> {
    return structuredClone([...this.runRecords.values()]);
  }

  async loadRun(id: string): Promise<{ checkpoint: CheckpointRecord; rows: MetricRow[] } | null> {
    const checkpoint = this.checkpoints.get(id);
    return checkpoint ? structuredClone({ checkpoint, rows: this.rows.get(id) ?? [] }) : null;
  }

  async deleteRun(id: string): Promise<void> {
    this.mayWrite();
    this.runRecords.delete(id);
    this.checkpoints.delete(id);
    this.rows.delete(id);
  }

  async saveDataset(id: string, dataset: Dataset): Promise<DatasetRecord> {
    this.mayWrite();
    const record: DatasetRecord = {
      id,
      name: dataset.name,
      classNames: dataset.classNames,
      skipped: dataset.skipped,
      imageSize: dataset.train.size,
      images: dataset.train.count + dataset.test.count,
      bytes: dataset.train.pixels.byteLength,
      savedAt: 0,
    };
    this.datasetRecords.set(id, structuredClone({ record, dataset }));
    return record;
  }

  async datasets(): Promise<DatasetRecord[]> {
    return [...this.datasetRecords.values()].map((d) => structuredClone(d.record));
  }

  async loadDataset(id: string): Promise<Dataset | null> {
    const entry = this.datasetRecords.get(id);
    return entry ? structuredClone(entry.dataset) : null;
  }

  async deleteDataset(id: string): Promise<void> {
    this.mayWrite();
    this.datasetRecords.delete(id);
  }

  async activeDataset(): Promise<ActiveDataset | null> {
    return this.active;
  }

  async setActiveDataset(active: ActiveDataset): Promise<void> {
    this.mayWrite();
    this.active = active;
  }

  async checkpointEvery(): Promise<number | null> {
    return this.every;
  }

  async setCheckpointEvery(steps: number): Promise<void> {
    this.mayWrite();
    this.every = steps;
  }
}
