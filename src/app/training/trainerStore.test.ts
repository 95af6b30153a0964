import { describe, expect, it, vi } from 'vitest';
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

  it('notifies listeners at most ten times a second however many events arrive', () => {
    vi.useFakeTimers();
    const store = new TrainerStore(10);
    const listener = vi.fn();
    store.subscribe(listener);
    store.apply({ type: 'runCreated', runId: 'run-1', step: 0, config: presetConfig('tiny') });
    for (let step = 1; step <= 500; step++) {
      store.apply(metricsEvent(step, 1));
      vi.advanceTimersByTime(2); // 500 events over one second
    }
    vi.advanceTimersByTime(200);
    expect(listener.mock.calls.length).toBeGreaterThan(5);
    expect(listener.mock.calls.length).toBeLessThanOrEqual(12);
    expect(store.getSnapshot().runs[0].step).toBe(500);
    vi.useRealTimers();
  });
});
