import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../config';
import type { FromWorker } from '../../protocol';
import type { StepMetrics } from '../../runTypes';
import { TrainerStore } from './trainerStore';

const metrics: StepMetrics = { lossTotal: 2, lossCon: 1, bitsPerDim: 1, conTop1: 0.5, imagesPerSec: 10, msPerStep: 100 };

function metricsEvent(step: number, lambdaCon: number): FromWorker {
  return { type: 'metrics', runId: 'run-1', step, metrics, hyper: { lambdaCon, lambdaGen: 1, tau: 0.2, lr: 1e-3 } };
}

describe('TrainerStore', () => {
  it('marks the first step that used changed hyperparameters', () => {
    const store = new TrainerStore();
    store.apply({ type: 'runCreated', runId: 'run-1', step: 0, config: presetConfig('tiny') });
    store.apply(metricsEvent(1, 1));
    store.apply(metricsEvent(2, 1));
    store.apply(metricsEvent(3, 0));
    store.apply(metricsEvent(4, 0));
    const run = store.selectedRun();
    expect(run?.step).toBe(4);
    expect(run?.history.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(run?.hyperChanges.map((c) => c.step)).toEqual([3]);
  });

  it('answers false to an event that is not its own, and leaves its snapshot alone', () => {
    const store = new TrainerStore();
    const before = store.getSnapshot();
    expect(store.apply({ type: 'umapProgress', runId: 'run-1', step: 0, state: 'running', done: 1, total: 2, message: null })).toBe(false);
    expect(store.getSnapshot()).toBe(before);
    expect(store.apply({ type: 'runCreated', runId: 'run-1', step: 0, config: presetConfig('tiny') })).toBe(true);
  });

  it('keeps the kernel decisions of the ready event and of later fallbacks for the backend badge', () => {
    const store = new TrainerStore();
    const kernels = [
      { op: 'attention', fused: false, reason: 'needs 9 storage buffers, the device allows 8' },
      { op: 'gelu', fused: true, reason: null },
    ];
    store.apply({ type: 'ready', runId: null, step: 0, backend: 'webgpu', reason: 'forced', adapter: 'swiftshader', kernels });
    expect(store.getSnapshot().backend).toEqual({ name: 'webgpu', reason: 'forced', adapter: 'swiftshader', kernels });
    const later = [kernels[0], { op: 'gelu', fused: false, reason: 'binds 151584768 bytes, the device allows 134217728 per binding' }];
    store.apply({ type: 'kernels', runId: null, step: 0, kernels: later });
    expect(store.getSnapshot().backend?.kernels).toEqual(later);
    store.apply({ type: 'ready', runId: null, step: 0, backend: 'wasm', reason: 'fell back', adapter: null });
    expect(store.getSnapshot().backend?.kernels).toBeNull();
  });
});
