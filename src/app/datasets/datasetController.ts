// The UI side of dataset imports: starting an import from picked or dropped files, asking before a new
// dataset replaces runs, cancelling, the import rate, the class thumbnails, and, when a new dataset is
// ready, replacing the runs with one fresh run on it. Pure TypeScript (no React, no DOM beyond File),
// testable in Node; the connection owns one and routes every worker event through it.

import type { RunConfig } from '../../config';
import type { FromWorker, ToWorker } from '../../protocol';
import type { ClassThumbnails } from '../../data/datasetTypes';
import { ThrottledStore } from '../common/throttledStore';
import type { WorkerEventSink } from '../connection/workerEvents';
import type { TrainerStore } from '../training/trainerStore';

export interface DatasetUiState {
  /** Files picked while runs exist, waiting for the person to confirm that the runs may be reset. */
  pendingReplace: { label: string; files: number; runs: number } | null;
  /** Imports asked for and not yet finished, failed or cancelled. */
  importing: number;
  /** Items per second in the current import phase, once it has run long enough to say. */
  rate: { phase: string; perSecond: number } | null;
  thumbnails: ClassThumbnails | null;
  /** The last finished import, timed from asking for it to its summary arriving. */
  lastImport: { images: number; seconds: number } | null;
  version: number;
}

export interface DatasetActions {
  /** Imports these files (paths[i]: files[i]'s path under a dropped folder); asks first if runs exist. */
  importFiles(files: File[], paths?: string[]): void;
  /** The person agreed to replace the dataset (and so reset the runs). */
  confirmReplace(): void;
  /** The person kept the current dataset. */
  keepDataset(): void;
  cancelImport(): void;
  /** Shows a problem found before the worker was involved (an unreadable dropped folder). */
  reportDropProblems(problems: string[]): void;
}

export interface DatasetDeps {
  post(message: ToWorker): void;
  store: TrainerStore;
  /** A run id never used on this page (WorkerEvents.newRunId). */
  newRunId(): string;
  /** The configuration of the run that replaces the old ones (the current preset and its image size). */
  runConfig(): RunConfig;
  now?: () => number;
}

/** A rate shown before this much of a phase has passed is mostly noise. */
const MIN_RATE_WINDOW_MS = 300;

export class DatasetController extends ThrottledStore<DatasetUiState> implements WorkerEventSink {
  private pending: { files: File[]; paths?: string[] } | null = null;
  private phase: { name: string; at: number; done: number } | null = null;
  private startedAt: number | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: DatasetDeps) {
    super({ pendingReplace: null, importing: 0, rate: null, thumbnails: null, lastImport: null, version: 0 });
    this.now = deps.now ?? (() => performance.now());
  }

  actions(): DatasetActions {
    return {
      importFiles: (files, paths) => this.importFiles(files, paths),
      confirmReplace: () => {
        const pending = this.pending;
        this.clearPending();
        if (pending) this.start(pending.files, pending.paths);
      },
      keepDataset: () => {
        if (!this.pending) return;
        this.clearPending();
        this.deps.store.setStatus({ kind: 'info', text: 'Kept the current dataset and runs.' });
      },
      cancelImport: () => this.deps.post({ type: 'cancelImport' }),
      reportDropProblems: (problems) => {
        if (problems.length === 0) return;
        const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
        this.deps.store.setStatus({
          kind: 'error',
          text: `Some dropped items were not imported: ${problems.slice(0, 3).join('; ')}${more}`,
        });
      },
    };
  }

  /**
   * Called when a dataset is ready: every existing run trained on the old data, so each is deleted and
   * one fresh run is created on the new data. The first dataset has no runs and just gets run-1.
   */
  replaceRuns(): void {
    for (const run of this.deps.store.getSnapshot().runs) this.deps.post({ type: 'deleteRun', runId: run.id });
    this.deps.post({ type: 'createRun', runId: this.deps.newRunId(), config: this.deps.runConfig() });
  }

  /** Applies a worker event; false when it was not this store's. */
  apply(event: FromWorker): boolean {
    switch (event.type) {
      case 'datasetProgress':
        this.onProgress(event.phase, event.done);
        return true;
      case 'datasetReady': {
        const images = event.summary.trainCount + event.summary.testCount;
        const seconds = this.startedAt === null ? null : (this.now() - this.startedAt) / 1000;
        this.finishOne({ thumbnails: null, lastImport: seconds === null ? this.getSnapshot().lastImport : { images, seconds } });
        return true;
      }
      case 'datasetStopped':
        this.finishOne({});
        return true;
      case 'datasetThumbnails':
        this.update({ thumbnails: event.thumbnails });
        return true;
      default:
        return false;
    }
  }

  private importFiles(files: File[], paths?: string[]): void {
    if (files.length === 0) return;
    const runs = this.deps.store.getSnapshot().runs.length;
    if (runs === 0) {
      this.start(files, paths);
      return;
    }
    // Holding the File handles costs nothing (no bytes are read); they are dropped once posted.
    this.pending = { files, paths };
    const label = files.length === 1 ? paths?.[0] || files[0].name : `${files.length} files`;
    this.update({ pendingReplace: { label, files: files.length, runs } });
  }

  private start(files: File[], paths?: string[]): void {
    // The latest pick wins: an import still running is cancelled (it reports 'cancelled' and keeps
    // nothing), then the worker's queue runs this one.
    if (this.getSnapshot().importing > 0) this.deps.post({ type: 'cancelImport' });
    this.deps.post({ type: 'loadDataset', source: { kind: 'files', files, paths }, imageSize: this.deps.runConfig().model.imageSize });
    this.startedAt = this.now();
    this.phase = null;
    this.update({ importing: this.getSnapshot().importing + 1, rate: null });
  }

  private onProgress(phase: string, done: number): void {
    const at = this.now();
    // The built-in dataset is loaded without start(): time it from its first progress event.
    if (this.startedAt === null) this.startedAt = at;
    if (!this.phase || this.phase.name !== phase || done < this.phase.done) {
      this.phase = { name: phase, at, done };
      if (this.getSnapshot().rate) this.update({ rate: null });
      return;
    }
    const elapsed = at - this.phase.at;
    if (elapsed < MIN_RATE_WINDOW_MS) return;
    this.update({ rate: { phase, perSecond: ((done - this.phase.done) * 1000) / elapsed } });
  }

  private finishOne(patch: Partial<Omit<DatasetUiState, 'version'>>): void {
    const importing = Math.max(0, this.getSnapshot().importing - 1);
    if (importing === 0) {
      this.startedAt = null;
      this.phase = null;
    }
    this.update({ ...patch, importing, rate: null });
  }

  private clearPending(): void {
    this.pending = null;
    this.update({ pendingReplace: null });
  }
}
