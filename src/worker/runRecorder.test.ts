import { describe, expect, it } from 'vitest';
import { MICRO_CONFIG } from '../persist/persist.testing';
import { RunRecorder } from './runRecorder';
import type { FromWorker } from '../protocol';
import type { EvalResults } from '../eval/evalTypes';
import type { ProbeSetPayload } from '../viewTypes';

const metrics = (runId: string, step: number): FromWorker => ({
  type: 'metrics',
  runId,
  step,
  metrics: { lossTotal: step, lossCon: Number.NaN, bitsPerDim: 5, conTop1: 0.5, imagesPerSec: 10, msPerStep: 3 },
  hyper: MICRO_CONFIG.hyper,
});

describe('RunRecorder', () => {
  it('records metrics and evaluations per run, and keeps copies of views that survive the transfer', () => {
    const r = new RunRecorder();
    r.observe({ type: 'runCreated', runId: 'a', step: 0, config: MICRO_CONFIG });
    r.observe({ type: 'runCreated', runId: 'b', step: 2, config: MICRO_CONFIG, forkedFrom: { runId: 'a', step: 2 } });
    r.observe(metrics('a', 1));
    r.observe(metrics('a', 2));
    r.observe(metrics('b', 3));
    r.observe(metrics('zombie', 3)); // a run never created is ignored
    const results = { testBpd: 5 } as EvalResults;
    r.observe({ type: 'evalResult', runId: 'a', step: 2, results });
    r.observe({ type: 'evalResult', runId: 'a', step: 2, results: { ...results, testBpd: 4 } });
    expect(r.history('a').metrics.map((m) => m.step)).toEqual([1, 2]);
    expect(r.history('a').evaluations).toEqual([{ step: 2, results: { testBpd: 4 } }]);
    // A fork's history starts with its own steps, as its curve does in the UI.
    expect(r.history('b').metrics.map((m) => m.step)).toEqual([3]);
    expect(r.history('zombie').metrics).toEqual([]);

    const coords = Float32Array.of(1, 2);
    r.observe({
      type: 'embedding',
      runId: 'a',
      step: 2,
      frame: { method: 'pca', coords, oodCoords: new Float32Array(0), explained: [0.5, 0.1], ms: 1 },
    });
    expect(r.views('a').embedding).toBeNull(); // no probe labels yet
    // Only the fields the recorder reads; the rest of the payload belongs to the views.
    const probe = { labels: Int32Array.of(1), indices: Int32Array.of(7), classNames: ['x', 'y'] } satisfies Partial<ProbeSetPayload>;
    r.observe({ type: 'probeSet', runId: null, step: 0, probe: probe as ProbeSetPayload });
    coords.fill(9); // what a transfer would do to the posted array's contents
    expect(Array.from(r.views('a').embedding!.frame.coords)).toEqual([1, 2]);
    expect(r.views('a').embedding!.probe.classNames).toEqual(['x', 'y']);

    r.observe({ type: 'runDeleted', runId: 'a', step: 0 });
    expect(r.history('a').metrics).toEqual([]);
  });
});
