import { describe, expect, it } from 'vitest';
import { presetConfig, type BackendRequest } from '../../config';
import type { FromWorker, ToWorker } from '../../protocol';
import { RecoveryController } from './recovery';
import { restoredEvent as restored } from './workerEvents.testing';
import { TrainerStore } from '../training/trainerStore';

function setup(request: BackendRequest = 'auto') {
  const store = new TrainerStore();
  const posted: ToWorker[] = [];
  const replayed: FromWorker[] = [];
  let restarts = 0;
  let restoring = false;
  const recovery = new RecoveryController(
    {
      store,
      post: (m) => posted.push(m),
      restartWorker: () => void restarts++,
      backendRequest: () => request,
      replay: (event) => {
        replayed.push(event);
        store.apply(event);
      },
      setRestoring: () => void (restoring = true),
      selectRun: (runId) => store.selectRun(runId),
    },
    '',
  );
  const feed = (event: FromWorker) => {
    store.apply(event);
    recovery.apply(event);
  };
  feed({ type: 'ready', runId: null, step: 0, backend: 'webgpu', reason: 'test', adapter: null });
  for (const id of ['run-1', 'run-2']) feed({ type: 'runCreated', runId: id, step: 0, config: presetConfig('tiny') });
  feed({ type: 'runStatus', runId: 'run-1', step: 47, status: 'training' });
  feed({ type: 'runStatus', runId: 'run-2', step: 12, status: 'paused' });
  store.selectRun('run-2');
  return { store, posted, replayed, recovery, feed, restarts: () => restarts, restoring: () => restoring };
}

describe('RecoveryController', () => {
  it('restarts a lost WebGPU worker on wasm, restores the runs and restarts only the ones that were training', () => {
    const t = setup();
    t.feed({ type: 'deviceLost', runId: null, step: 0, backend: 'webgpu', message: 'simulated' });
    expect(t.restarts()).toBe(1);
    expect(t.restoring()).toBe(true);
    expect(t.replayed.map((e) => (e.type === 'runDeleted' ? e.runId : e.type))).toEqual(['run-1', 'run-2']);
    expect(t.store.getSnapshot().runs).toEqual([]);
    expect(t.posted).toContainEqual({ type: 'init', backend: 'wasm' });
    expect(t.store.getSnapshot().status.text).toContain('device was lost');

    t.posted.length = 0;
    t.feed({ type: 'ready', runId: null, step: 0, backend: 'wasm', reason: 'test', adapter: null });
    t.feed(restored('run-1', 40));
    t.feed(restored('run-2', 12));
    t.feed({ type: 'sessionRestored', runId: null, step: 0, runs: 2 });
    expect(t.posted).toEqual([{ type: 'start', runId: 'run-1' }]);
    expect(t.store.getSnapshot().selectedRunId).toBe('run-2');
    const text = t.store.getSnapshot().status.text;
    expect(text).toContain('Restarted the worker on wasm and resumed run-1 from step 40 (was at 47), run-2 from step 12');
    expect(text).toContain('run-1 training again');
  });

  it('keeps the requested backend after a crash, and gives up after a streak of failures', () => {
    const t = setup('auto');
    t.recovery.workerDied('The training worker crashed (x)');
    expect(t.posted).toContainEqual({ type: 'init', backend: 'auto' });
    t.recovery.workerDied('The training worker crashed (y)');
    t.recovery.workerDied('The training worker crashed (z)');
    t.recovery.workerDied('The training worker crashed (w)');
    expect(t.store.getSnapshot().status.text).toContain('stopped restarting it');
  });

  it('resumes a diverged run at the offered learning rate', () => {
    const t = setup();
    t.recovery.actions().statusAction({ kind: 'resumeWithLr', runId: 'run-1', lr: 100, label: 'Resume at lr = 100' });
    expect(t.posted).toEqual([
      { type: 'setHyper', runId: 'run-1', hyper: { lr: 100 } },
      { type: 'start', runId: 'run-1' },
    ]);
    expect(t.store.selectedRun()?.hyper.lr).toBe(100);
  });
});
