import { describe, expect, it } from 'vitest';
import type { FromWorker } from '../../protocol';
import type { EmbeddingFrame, ProbeSetPayload, SampleGrid } from '../../viewTypes';
import { ViewStore } from './viewStore';

const probe = (generation: number, oodCount = 0): ProbeSetPayload => ({
  generation,
  size: 2,
  count: 3,
  pixels: new Uint8Array(36),
  labels: Int32Array.from([0, 1, 0]),
  indices: Int32Array.from([4, 5, 9]),
  classNames: ['a', 'b'],
  oodCount,
  oodPixels: new Uint8Array(oodCount * 12),
  oodNote: oodCount ? null : 'none',
});
const frame = (method: 'pca' | 'umap'): EmbeddingFrame => ({
  method,
  coords: new Float32Array(6),
  oodCoords: new Float32Array(0),
  explained: [],
  ms: 1,
});
const grid = {
  size: 2,
  temperature: 1,
  unconditional: new Uint8Array(12),
  unconditionalCount: 1,
  completions: new Uint8Array(0),
  completionCount: 0,
  keptRows: 1,
  completionSources: new Int32Array(0),
  ms: 1,
} satisfies SampleGrid;
const ev = (e: FromWorker) => e;

describe('ViewStore', () => {
  it('keeps the latest frames per run and switches to UMAP when one arrives', () => {
    const store = new ViewStore();
    expect(store.apply(ev({ type: 'probeSet', runId: null, step: 0, probe: probe(1) }))).toBe(true);
    store.apply(ev({ type: 'embedding', runId: 'run-1', step: 4, frame: frame('pca') }));
    store.apply(ev({ type: 'samples', runId: 'run-1', step: 4, grid }));
    store.apply(ev({ type: 'embedding', runId: 'run-2', step: 2, frame: frame('pca') }));
    expect(store.viewsOf('run-1').pca?.step).toBe(4);
    expect(store.viewsOf('run-1').samples?.step).toBe(4);
    expect(store.viewsOf('run-3')).toEqual({ pca: null, umap: null, samples: null });
    expect(store.getSnapshot().projection).toBe('pca');
    store.apply(ev({ type: 'embedding', runId: 'run-1', step: 6, frame: frame('umap') }));
    expect(store.getSnapshot().projection).toBe('umap');
    expect(store.viewsOf('run-1').pca?.step).toBe(4);
    // A metrics event is not a view event.
    expect(store.apply(ev({ type: 'runStatus', runId: 'run-1', step: 6, status: 'paused' }))).toBe(false);
  });

  it('an OOD set keeps the frames (until the next one arrives); a new dataset drops everything', () => {
    const store = new ViewStore();
    store.apply(ev({ type: 'probeSet', runId: null, step: 0, probe: probe(1) }));
    store.apply(ev({ type: 'embedding', runId: 'run-1', step: 1, frame: frame('pca') }));
    store.apply(ev({ type: 'samples', runId: 'run-1', step: 1, grid }));
    store.apply(ev({ type: 'probeSet', runId: null, step: 0, probe: probe(1, 2) }));
    expect(store.viewsOf('run-1').pca?.step).toBe(1);
    expect(store.viewsOf('run-1').samples?.step).toBe(1);
    expect(store.getSnapshot().probe?.oodCount).toBe(2);
    store.apply(ev({ type: 'probeSet', runId: null, step: 0, probe: probe(2) }));
    expect(store.viewsOf('run-1').samples).toBeNull();
  });

  it('forgets a deleted run and tracks settings', () => {
    const store = new ViewStore();
    store.apply(ev({ type: 'samples', runId: 'run-1', step: 1, grid }));
    store.apply(ev({ type: 'runDeleted', runId: 'run-1', step: 0 }));
    expect(store.viewsOf('run-1').samples).toBeNull();
    expect(store.setSettings({ temperature: 0.5 }).temperature).toBe(0.5);
    expect(store.setUmapParams({ nNeighbors: 7 }).nNeighbors).toBe(7);
  });
});
