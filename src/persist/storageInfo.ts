// What the storage panel shows, built from the stored records, and the words for a failed write.
// Pure, so the quota message is tested in Node.

import type { DatasetRecord, RunRecord } from './db';
import { isQuotaError } from './db';
import type { StorageInfo } from './messages';

export interface StorageState {
  writable: boolean;
  reason: string | null;
  checkpointEvery: number;
  loaded(runId: string): boolean;
  activeDataset: string;
  lastError: string | null;
}

export function storageInfo(runs: readonly RunRecord[], datasets: readonly DatasetRecord[], state: StorageState): StorageInfo {
  return {
    available: state.writable,
    reason: state.reason,
    checkpointEvery: state.checkpointEvery,
    runs: runs
      .map((r) => ({
        id: r.id,
        step: r.step,
        points: r.points,
        preset: r.config.preset,
        datasetName: r.datasetName,
        loaded: state.loaded(r.id),
        savedAt: r.savedAt,
        bytes: r.bytes,
      }))
      .sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true })),
    datasets: datasets.map((d) => ({
      id: d.id,
      name: d.name,
      images: d.images,
      imageSize: d.imageSize,
      bytes: d.bytes,
      active: d.id === state.activeDataset,
      savedAt: d.savedAt,
    })),
    lastError: state.lastError,
  };
}

/** Never a silent loss: what was not saved, what a reload would find instead, and what to do. */
export function describeWriteFailure(what: string, error: unknown): string {
  const detail =
    error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)
      ? `${(error as Error).name}: ${(error as Error).message}`
      : String(error);
  if (isQuotaError(error)) {
    return `Storage is full: ${what} failed, so a reload would go back to the previous checkpoint. Free space by deleting saved runs or datasets under Saved runs, or ask to keep storage persistent. (${detail})`;
  }
  return `Saving failed: ${what} (${detail}). A reload would go back to the previous checkpoint.`;
}
