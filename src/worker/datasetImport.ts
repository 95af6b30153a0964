// One dataset import at a time, cancellable from outside the worker's serial queue. The queue awaits
// load(); a 'cancelImport' message calls cancel() directly, which aborts the importer between files,
// and also cancels imports still waiting in the queue (behind a fork, say), so Cancel works as soon as
// the person sees the button.
// A cancelled or failed import resolves to null after saying so: the caller keeps the dataset and runs
// it had, so nothing is half-replaced.

import type { DatasetSource } from '../data/datasetTypes';
import type { FromWorker } from '../protocol';
import type { ImportProgress } from '../data/importer';
import type { Dataset, ImageDecoder } from '../data/store';
import { pickThumbnails } from '../data/thumbnails';
import { loadDataset } from './datasetLoader';
import { describe } from './scheduler';

/** Thumbnails per class shown in the summary. */
const THUMBNAILS_PER_CLASS = 4;
/** Progress events at most this often: the UI renders ten times a second anyway. */
const PROGRESS_INTERVAL_MS = 100;

export interface DatasetImportDeps {
  decode: ImageDecoder;
  emit(event: FromWorker, transfer?: Transferable[]): void;
  /** What is kept if this import does not finish, for the message that says so. */
  current(): { name: string; runs: number } | null;
  /** The import source loader; tests pass one that needs no browser. */
  load?: typeof loadDataset;
}

export class DatasetImports {
  private controller: AbortController | null = null;
  /** loadDataset messages seen by the message loop, and loads begun by the queue (in the same order). */
  private arrived = 0;
  private begun = 0;
  /** Loads numbered up to this one were cancelled before they began. */
  private cancelledThrough = 0;

  constructor(private readonly deps: DatasetImportDeps) {}

  get busy(): boolean {
    return this.controller !== null;
  }

  /** The message loop calls this as a loadDataset message arrives, before it waits in the queue. */
  queued(): void {
    this.arrived++;
  }

  /** Aborts the running import and every queued one; each resolves to null and reports 'cancelled'. */
  cancel(): void {
    this.cancelledThrough = this.arrived;
    this.controller?.abort();
  }

  async load(source: DatasetSource, imageSize: number): Promise<Dataset | null> {
    const number = ++this.begun;
    if (number <= this.cancelledThrough) {
      this.stop('cancelled', 'Import cancelled before it started');
      return null;
    }
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    let lastProgress = 0;
    const onProgress = (p: ImportProgress) => {
      const now = performance.now();
      if (now - lastProgress < PROGRESS_INTERVAL_MS && p.done < p.total) return;
      lastProgress = now;
      this.deps.emit({ type: 'datasetProgress', runId: null, step: 0, ...p });
    };
    try {
      const loaded = await (this.deps.load ?? loadDataset)(source, {
        imageSize,
        decode: this.deps.decode,
        onProgress,
        signal: controller.signal,
      });
      // An abort that lands after the last file is still a cancel: the person asked for the old data.
      controller.signal.throwIfAborted();
      const empty = emptyReason(loaded);
      if (empty) {
        this.stop('failed', empty);
        return null;
      }
      return loaded;
    } catch (error) {
      if (controller.signal.aborted) this.stop('cancelled', 'Import cancelled');
      else this.stop('failed', `Import failed: ${describe(error)}`);
      return null;
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }

  /** A few images per class of the new training split, transferred (the copy is the UI's to keep). */
  sendThumbnails(dataset: Dataset): void {
    const source = dataset.train.count > 0 ? dataset.train : dataset.test;
    const thumbnails = pickThumbnails(source, dataset.classNames.length, THUMBNAILS_PER_CLASS);
    this.deps.emit({ type: 'datasetThumbnails', runId: null, step: 0, thumbnails }, [thumbnails.pixels.buffer]);
  }

  private stop(reason: 'cancelled' | 'failed', what: string): void {
    const kept = this.deps.current();
    const tail = kept
      ? `; the previous dataset (${kept.name}) and its ${kept.runs} run${kept.runs === 1 ? '' : 's'} are untouched.`
      : '; no dataset is loaded yet.';
    this.deps.emit({ type: 'datasetStopped', runId: null, step: 0, reason, message: `${what}${tail}` });
  }
}

/** Why a finished import cannot replace the dataset (nothing to train on), or null when it can. */
function emptyReason(d: Dataset): string | null {
  if (d.train.count > 0) return null;
  const reasons = d.skipped.slice(0, 3).map((s) => `${s.name}: ${s.reason}`);
  const found = d.test.count > 0 ? `only ${d.test.count} test images and no training images` : 'no image that could be imported';
  const why = reasons.length > 0 ? ` (${d.skipped.length} skipped, e.g. ${reasons.join('; ')})` : '';
  return `Import failed: ${d.name} has ${found}${why}`;
}
