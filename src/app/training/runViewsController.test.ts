import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../config';
import type { ToWorker } from '../../protocol';
import { MAX_RUNS } from '../../runPresets';
import { RunViewsController } from './runViewsController';
import { TrainerStore } from './trainerStore';

function setup() {
  const posted: ToWorker[] = [];
  const store = new TrainerStore();
  const controller = new RunViewsController({ post: (m) => posted.push(m), store, baseConfig: () => presetConfig('tiny') });
  const created = (runId: string, step = 0, forkedFrom?: { runId: string; step: number }) => {
    const event = { type: 'runCreated' as const, runId, step, config: presetConfig('tiny'), forkedFrom };
    store.apply(event);
    controller.onEvent(event);
  };
  return { posted, store, controller, runs: controller.runActions(), views: controller.viewActions(), created };
}

describe('RunViewsController', () => {
  it("new runs take the preset weights on the selected run's config, get fresh ids and are selected", () => {
    const h = setup();
    h.created('run-1');
    expect(h.posted.at(-1)).toEqual({ type: 'setViews', runId: 'run-1', settings: h.controller.views.getSnapshot().settings });
    h.runs.newRun('contrastive');
    const create = h.posted.at(-1);
    expect(create?.type === 'createRun' && create.runId).toBe('run-2');
    expect(create?.type === 'createRun' && create.config.hyper).toMatchObject({ lambdaCon: 1, lambdaGen: 0 });
    h.created('run-2');
    expect(h.store.getSnapshot().selectedRunId).toBe('run-2');
    expect(h.posted.at(-1)).toMatchObject({ type: 'setViews', runId: 'run-2' });
  });

  it('forks the selected run, never reuses a deleted id, and stops at the run limit', () => {
    const h = setup();
    h.created('run-1');
    h.runs.forkRun();
    expect(h.posted.at(-1)).toEqual({ type: 'forkRun', runId: 'run-2', parentId: 'run-1' });
    h.created('run-2', 5, { runId: 'run-1', step: 5 });
    expect(h.store.selectedRun()?.forkedFrom).toEqual({ runId: 'run-1', step: 5 });
    expect(h.store.selectedRun()?.color).not.toBe(h.store.getSnapshot().runs[0].color);
    const deleted = { type: 'runDeleted' as const, runId: 'run-2', step: 0 };
    h.store.apply(deleted);
    h.controller.onEvent(deleted);
    expect(h.store.getSnapshot().selectedRunId).toBe('run-1');
    h.runs.newRun('hybrid');
    expect(h.posted.at(-1)).toMatchObject({ type: 'createRun', runId: 'run-3' });
    for (let i = 0; i < MAX_RUNS; i++) h.runs.forkRun();
    expect(h.posted.filter((m) => m.type === 'forkRun' || m.type === 'createRun')).toHaveLength(MAX_RUNS);
  });

  it('view settings go to the worker with the selected run', () => {
    const h = setup();
    h.created('run-1');
    h.views.setViewSettings({ temperature: 0.3 });
    expect(h.posted.at(-1)).toMatchObject({ type: 'setViews', runId: 'run-1', settings: { temperature: 0.3 } });
    h.views.setUmapParams({ nNeighbors: 9 });
    h.views.runUmap();
    expect(h.posted.at(-1)).toMatchObject({ type: 'runUmap', runId: 'run-1', params: { nNeighbors: 9 } });
  });
});
