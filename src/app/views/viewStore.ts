// What the live views show, built only from worker events (probe set, embedding frames, samples, UMAP
// progress) plus the view settings the person chose. Pure TypeScript, testable in Node. Kept apart
// from TrainerStore because its payloads are big typed arrays that arrive every K steps, not every
// step; its listeners hear of changes at most ten times a second all the same.

import type { FromWorker } from '../../protocol';
import {
  DEFAULT_UMAP_PARAMS,
  DEFAULT_VIEW_SETTINGS,
  type EmbeddingFrame,
  type ProbeSetPayload,
  type ProjectionMethod,
  type SampleGrid,
  type UmapParams,
  type UmapState,
  type ViewSettings,
} from '../../viewTypes';
import { ThrottledStore } from '../common/throttledStore';
import type { WorkerEventSink } from '../connection/workerEvents';

export interface StepFrame<T> {
  step: number;
  value: T;
}

export interface RunViews {
  pca: StepFrame<EmbeddingFrame> | null;
  umap: StepFrame<EmbeddingFrame> | null;
  samples: StepFrame<SampleGrid> | null;
}

export interface UmapProgress {
  runId: string;
  state: UmapState;
  done: number;
  total: number;
  message: string | null;
}

export interface ViewSnapshot {
  probe: ProbeSetPayload | null;
  byRun: ReadonlyMap<string, RunViews>;
  umap: UmapProgress | null;
  settings: ViewSettings;
  umapParams: UmapParams;
  /** Which projection the embedding view shows; UMAP is picked when a UMAP result arrives. */
  projection: ProjectionMethod;
  version: number;
}

const EMPTY: RunViews = { pca: null, umap: null, samples: null };

export class ViewStore extends ThrottledStore<ViewSnapshot> implements WorkerEventSink {
  constructor(maxRendersPerSecond?: number) {
    super(
      {
        probe: null,
        byRun: new Map(),
        umap: null,
        settings: DEFAULT_VIEW_SETTINGS,
        umapParams: DEFAULT_UMAP_PARAMS,
        projection: 'pca',
        version: 0,
      },
      maxRendersPerSecond,
    );
  }

  viewsOf(runId: string | null): RunViews {
    return (runId && this.getSnapshot().byRun.get(runId)) || EMPTY;
  }

  setSettings(patch: Partial<ViewSettings>): ViewSettings {
    const settings = { ...this.getSnapshot().settings, ...patch };
    this.update({ settings });
    return settings;
  }

  setUmapParams(patch: Partial<UmapParams>): UmapParams {
    const umapParams = { ...this.getSnapshot().umapParams, ...patch };
    this.update({ umapParams });
    return umapParams;
  }

  setProjection(projection: ProjectionMethod): void {
    this.update({ projection });
  }

  /** Applies a worker event; false when it was not this store's. */
  apply(event: FromWorker): boolean {
    return this.changes(() => this.reduce(event));
  }

  private reduce(event: FromWorker): void {
    const state = this.getSnapshot();
    switch (event.type) {
      case 'probeSet': {
        // A new dataset makes every earlier frame stale. A new OOD set does not: the probe points and
        // samples stay valid and are shown (without an overlay whose size no longer matches) until the
        // worker's next frame, so the view does not blank out.
        const sameImages = state.probe?.generation === event.probe.generation;
        this.update({
          probe: event.probe,
          byRun: sameImages ? state.byRun : new Map(),
          projection: sameImages ? state.projection : 'pca',
        });
        return;
      }
      case 'embedding': {
        if (!event.runId) return;
        const frame = { step: event.step, value: event.frame };
        this.patchRun(event.runId, event.frame.method === 'pca' ? { pca: frame } : { umap: frame });
        if (event.frame.method === 'umap') this.update({ projection: 'umap' });
        return;
      }
      case 'samples':
        if (event.runId) this.patchRun(event.runId, { samples: { step: event.step, value: event.grid } });
        return;
      case 'umapProgress':
        if (event.runId)
          this.update({ umap: { runId: event.runId, state: event.state, done: event.done, total: event.total, message: event.message } });
        return;
      case 'runDeleted':
        if (event.runId && state.byRun.has(event.runId)) {
          const byRun = new Map(state.byRun);
          byRun.delete(event.runId);
          this.update({ byRun });
        }
        return;
    }
  }

  private patchRun(runId: string, patch: Partial<RunViews>): void {
    const byRun = new Map(this.getSnapshot().byRun);
    byRun.set(runId, { ...(byRun.get(runId) ?? EMPTY), ...patch });
    this.update({ byRun });
  }
}
