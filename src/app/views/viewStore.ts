// What the live views show, built only from worker events (probe set, embedding frames, samples, UMAP
// progress) plus the view settings the person chose. Pure TypeScript, testable in Node. Kept apart
// from TrainerStore because its payloads are big typed arrays that arrive every K steps, not every
// step; listeners are notified at most `maxRendersPerSecond` times a second all the same.

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

export class ViewStore {
  private state: ViewSnapshot = {
    probe: null,
    byRun: new Map(),
    umap: null,
    settings: DEFAULT_VIEW_SETTINGS,
    umapParams: DEFAULT_UMAP_PARAMS,
    projection: 'pca',
    version: 0,
  };
  private readonly listeners = new Set<() => void>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = 0;

  constructor(private readonly maxRendersPerSecond = 10) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ViewSnapshot => this.state;

  viewsOf(runId: string | null): RunViews {
    return (runId && this.state.byRun.get(runId)) || EMPTY;
  }

  setSettings(patch: Partial<ViewSettings>): ViewSettings {
    const settings = { ...this.state.settings, ...patch };
    this.update({ settings });
    return settings;
  }

  setUmapParams(patch: Partial<UmapParams>): UmapParams {
    const umapParams = { ...this.state.umapParams, ...patch };
    this.update({ umapParams });
    return umapParams;
  }

  setProjection(projection: ProjectionMethod): void {
    this.update({ projection });
  }

  /** Returns true when the event was a view event (the caller need not look further). */
  apply(event: FromWorker): boolean {
    switch (event.type) {
      case 'probeSet': {
        // A new dataset makes every earlier frame stale. A new OOD set does not: the probe points and
        // samples stay valid and are shown (without an overlay whose size no longer matches) until the
        // worker's next frame, so the view does not blank out.
        const sameImages = this.state.probe?.generation === event.probe.generation;
        this.update({
          probe: event.probe,
          byRun: sameImages ? this.state.byRun : new Map(),
          projection: sameImages ? this.state.projection : 'pca',
        });
        return true;
      }
      case 'embedding': {
        if (!event.runId) return true;
        const frame = { step: event.step, value: event.frame };
        this.patchRun(event.runId, event.frame.method === 'pca' ? { pca: frame } : { umap: frame });
        if (event.frame.method === 'umap') this.update({ projection: 'umap' });
        return true;
      }
      case 'samples':
        if (event.runId) this.patchRun(event.runId, { samples: { step: event.step, value: event.grid } });
        return true;
      case 'umapProgress':
        if (event.runId)
          this.update({ umap: { runId: event.runId, state: event.state, done: event.done, total: event.total, message: event.message } });
        return true;
      case 'runDeleted':
        if (event.runId && this.state.byRun.has(event.runId)) {
          const byRun = new Map(this.state.byRun);
          byRun.delete(event.runId);
          this.update({ byRun });
        }
        return false;
      default:
        return false;
    }
  }

  private patchRun(runId: string, patch: Partial<RunViews>): void {
    const byRun = new Map(this.state.byRun);
    byRun.set(runId, { ...(byRun.get(runId) ?? EMPTY), ...patch });
    this.update({ byRun });
  }

  private update(patch: Partial<ViewSnapshot>): void {
    this.state = { ...this.state, ...patch, version: this.state.version + 1 };
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== null) return;
    const wait = Math.max(0, this.lastFlush + 1000 / this.maxRendersPerSecond - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.lastFlush = Date.now();
      for (const listener of this.listeners) listener();
    }, wait);
  }
}
