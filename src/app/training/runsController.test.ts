import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../config';
import type { FromWorker, ToWorker } from '../../protocol';
import { MAX_RUNS } from '../../runPresets';
import { WorkerEvents } from '../connection/workerEvents';
import { ViewsController } from '../views/viewsController';
import { RunsController } from './runsController';
import { TrainerStore } from './trainerStore';

/** The runs and views controllers behind WorkerEvents, in the connection's order. */
function setup() {
  const posted: ToWorker[] = [];
  const post = (m: ToWorker) => void posted.push(m);
  const store = new TrainerStore();
  const events = new WorkerEvents();
  const runsController = new RunsController({ post, store, newRunId: () => events.newRunId(), baseConfig: () => presetConfig('tiny') });
  const viewsController = new ViewsController({ post, selectedRunId: () => store.getSnapshot().selectedRunId });
  events.add(store, viewsController.store, runsController, viewsController);
  const deliver = (event: FromWorker) => events.dispatch(event);
  const created = (runId: string, step = 0, forkedFrom?: { runId: string; step: number }) =>
    deliver({ type: 'runCreated' as const, runId, step, config: presetConfig('tiny'), forkedFrom });
  return { posted, store, viewsController, deliver, runs: runsController.actions(), views: viewsController.actions(), created };
}

describe('RunsController and ViewsController', () => {
  it("new runs take the preset weights on the selected run's config, get fresh ids and are selected", () => {
    const h = setup();
    h.created('run-1');
    expect(h.posted.at(-1)).toEqual({ type: 'setViews', runId: 'run-1', settings: h.viewsController.store.getSnapshot().settings });
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
    h.deliver({ type: 'runDeleted', runId: 'run-2', step: 0 });
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

  it('a new run never takes the id of a run kept only in storage (its saved data would be overwritten)', () => {
    const h = setup();
    h.created('run-1');
    const stored = (id: string) => ({ id, step: 5, points: 5, preset: 'tiny', datasetName: 'other', loaded: false, savedAt: 0, bytes: 1 });
    h.deliver({
      type: 'storageInfo',
      runId: null,
      step: 0,
      info: { available: true, reason: null, checkpointEvery: 50, runs: [stored('run-1'), stored('run-2')], datasets: [], lastError: null },
    });
    h.runs.newRun('hybrid');
    expect(h.posted.at(-1)).toMatchObject({ type: 'createRun', runId: 'run-3' });
    h.runs.forkRun();
    expect(h.posted.at(-1)).toMatchObject({ type: 'forkRun', runId: 'run-4', parentId: 'run-1' });
  });

  it('a comparison replaces the runs with one run per weighting on the selected seed and starts each as it is created', () => {
    const h = setup();
    const seeded = { ...presetConfig('tiny', 7), hyper: { lambdaCon: 1, lambdaGen: 1, tau: 0.3, lr: 2e-3 } };
    h.deliver({ type: 'runCreated', runId: 'run-1', step: 0, config: seeded });
    h.created('run-2');
    h.store.selectRun('run-1');
    h.posted.length = 0;
    h.runs.startSweep(
      [
        { lambdaCon: 0, lambdaGen: 1 },
        { lambdaCon: 1, lambdaGen: 0 },
      ],
      40,
    );
    expect(h.posted).toEqual([
      { type: 'setEvalSettings', settings: { autoEvery: 40 } },
      { type: 'deleteRun', runId: 'run-1' },
      { type: 'deleteRun', runId: 'run-2' },
      { type: 'createRun', runId: 'run-3', config: { ...seeded, hyper: { lambdaCon: 0, lambdaGen: 1, tau: 0.3, lr: 2e-3 } } },
      { type: 'createRun', runId: 'run-4', config: { ...seeded, hyper: { lambdaCon: 1, lambdaGen: 0, tau: 0.3, lr: 2e-3 } } },
    ]);
    h.deliver({ type: 'runDeleted', runId: 'run-1', step: 0 });
    h.deliver({ type: 'runDeleted', runId: 'run-2', step: 0 });
    h.posted.length = 0;
    h.deliver({ type: 'runCreated', runId: 'run-3', step: 0, config: seeded });
    h.deliver({ type: 'runCreated', runId: 'run-4', step: 0, config: seeded });
    expect(h.posted.filter((m) => m.type === 'start')).toEqual([
      { type: 'start', runId: 'run-3' },
      { type: 'start', runId: 'run-4' },
    ]);
    // The first run of the comparison is selected; a later run of the same id is not started again.
    expect(h.store.getSnapshot().selectedRunId).toBe('run-3');
    h.posted.length = 0;
    h.deliver({ type: 'runCreated', runId: 'run-4', step: 0, config: seeded });
    expect(h.posted.filter((m) => m.type === 'start')).toEqual([]);
  });
});
