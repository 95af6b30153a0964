// The UI side of persistence: restore on reload, run export (a download) and import (a file read and
// handed to the worker), and the storage commands. Pure TypeScript (no React); the connection owns one
// and routes every worker event through it.

import type { FromWorker, ToWorker } from '../../protocol';
import { MAX_BUNDLE_BYTES } from '../../persist/messages';
import type { WorkerEventSink } from '../connection/workerEvents';
import type { TrainerStore } from '../training/trainerStore';

export interface PersistActions {
  /** Exports the selected run as a zip download. */
  exportRun(): void;
  importRunFile(file: File): void;
  /** Removes a stored run; an open run is deleted through deleteRun like any run. */
  deleteStoredRun(runId: string): void;
  deleteStoredDataset(datasetId: string): void;
  setCheckpointEvery(steps: number): void;
}

export interface PersistDeps {
  post(message: ToWorker, transfer?: Transferable[]): void;
  store: TrainerStore;
  /** A run id never used on this page (WorkerEvents.newRunId). */
  newRunId(): string;
  download(fileName: string, bytes: Uint8Array): void;
}

export class PersistController implements WorkerEventSink {
  /** True until the worker has restored what it could; no first run is created meanwhile. */
  restoring = true;

  constructor(private readonly deps: PersistDeps) {}

  apply(event: FromWorker): boolean {
    switch (event.type) {
      case 'sessionRestored':
        this.restoring = false;
        return true;
      case 'runExported': {
        this.deps.download(event.fileName, event.bytes);
        const notes = event.notes.length > 0 ? ` (${event.notes.join('; ')})` : '';
        this.deps.store.setStatus({ kind: 'info', text: `Exported ${event.runId} at step ${event.step} as ${event.fileName}${notes}` });
        return true;
      }
      default:
        return false;
    }
  }

  actions(): PersistActions {
    const { post, store } = this.deps;
    return {
      exportRun: () => {
        const run = store.selectedRun();
        if (run) post({ type: 'exportRun', runId: run.id });
      },
      importRunFile: (file) => void this.importFile(file),
      deleteStoredRun: (runId) => post({ type: 'storage', command: { kind: 'deleteRun', runId } }),
      deleteStoredDataset: (datasetId) => post({ type: 'storage', command: { kind: 'deleteDataset', datasetId } }),
      setCheckpointEvery: (steps) => post({ type: 'storage', command: { kind: 'setCheckpointEvery', steps } }),
    };
  }

  private async importFile(file: File): Promise<void> {
    const { store, post } = this.deps;
    // Checked before reading: a huge file would be read into memory only to be refused.
    if (file.size > MAX_BUNDLE_BYTES) {
      store.setStatus({
        kind: 'error',
        text: `${file.name} was not imported: it is ${Math.round(file.size / 2 ** 20)} MiB, over the ${MAX_BUNDLE_BYTES / 2 ** 20} MiB a run bundle may be. Nothing was changed.`,
      });
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (error) {
      store.setStatus({
        kind: 'error',
        text: `${file.name} could not be read: ${error instanceof Error ? error.message : String(error)}. Nothing was changed.`,
      });
      return;
    }
    const runId = this.deps.newRunId();
    store.setStatus({ kind: 'info', text: `Importing ${file.name}…` });
    post({ type: 'importRun', runId, fileName: file.name, bytes }, [bytes.buffer]);
  }
}
