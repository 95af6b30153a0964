// The live views' side of the page: their settings and UMAP actions, and keeping the worker's view run
// equal to the selected run. Owns the ViewStore the embedding and samples panels read.

import type { FromWorker, ToWorker } from '../../protocol';
import type { ProjectionMethod, UmapParams, ViewSettings } from '../../viewTypes';
import type { WorkerEventSink } from '../connection/workerEvents';
import { ViewStore } from './viewStore';

export interface ViewActions {
  setViewSettings(patch: Partial<ViewSettings>): void;
  refreshView(view: 'embedding' | 'samples'): void;
  setUmapParams(patch: Partial<UmapParams>): void;
  runUmap(): void;
  cancelUmap(): void;
  setProjection(projection: ProjectionMethod): void;
}

export interface ViewsDeps {
  post(message: ToWorker): void;
  /** The run the views follow. */
  selectedRunId(): string | null;
}

export class ViewsController implements WorkerEventSink {
  readonly store = new ViewStore();

  constructor(private readonly deps: ViewsDeps) {}

  /** A run came or went, so the selection may have changed: the worker's views follow it. */
  apply(event: FromWorker): boolean {
    if (event.type !== 'runCreated' && event.type !== 'runRestored' && event.type !== 'runDeleted') return false;
    this.syncViews();
    return true;
  }

  /** Tells the worker which run the views follow and how; call after the selection changes. */
  syncViews(): void {
    this.deps.post({ type: 'setViews', runId: this.deps.selectedRunId(), settings: this.store.getSnapshot().settings });
  }

  actions(): ViewActions {
    const { post, selectedRunId: selected } = this.deps;
    return {
      setViewSettings: (patch) => {
        this.store.setSettings(patch);
        this.syncViews();
      },
      refreshView: (view) => {
        const runId = selected();
        if (runId) post({ type: 'refreshView', runId, view });
      },
      setUmapParams: (patch) => this.store.setUmapParams(patch),
      runUmap: () => {
        const runId = selected();
        if (runId) post({ type: 'runUmap', runId, params: this.store.getSnapshot().umapParams });
      },
      cancelUmap: () => {
        const runId = selected();
        if (runId) post({ type: 'cancelUmap', runId });
      },
      setProjection: (projection) => this.store.setProjection(projection),
    };
  }
}
