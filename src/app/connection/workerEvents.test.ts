import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../config';
import type { FromWorker } from '../../protocol';
import { nextRunId, WorkerEvents, type WorkerEventSink } from './workerEvents';

const config = presetConfig('tiny');

function recorder(name: string, log: string[]): WorkerEventSink {
  return {
    apply: (event) => {
      log.push(`${name} ${event.type}`);
      return true;
    },
  };
}

describe('nextRunId', () => {
  it('is one past the highest run-N, ignoring other ids', () => {
    expect(nextRunId([])).toBe('run-1');
    expect(nextRunId(['run-3', 'run-1', 'imported', 'run-x'])).toBe('run-4');
  });
});

describe('WorkerEvents', () => {
  it('hands every event to every sink, in the order they were added', () => {
    const log: string[] = [];
    const events = new WorkerEvents();
    events.add(recorder('store', log), recorder('controller', log));
    events.dispatch({ type: 'runStatus', runId: 'run-1', step: 3, status: 'paused' });
    events.dispatch({ type: 'error', runId: null, step: 0, message: 'x' });
    expect(log).toEqual(['store runStatus', 'controller runStatus', 'store error', 'controller error']);
  });

  it('never hands out an id a created, restored, stored, deleted or earlier handed-out run has', () => {
    const events = new WorkerEvents();
    expect(events.newRunId()).toBe('run-1');
    events.dispatch({ type: 'runCreated', runId: 'run-2', step: 0, config });
    events.dispatch({ type: 'runDeleted', runId: 'run-2', step: 0 });
    expect(events.newRunId()).toBe('run-3');
    const restored: FromWorker = {
      type: 'runRestored',
      runId: 'run-7',
      step: 4,
      origin: 'import',
      config,
      forkedFrom: null,
      hyper: config.hyper,
      status: 'paused',
      history: [],
      message: 'Imported',
    };
    events.dispatch(restored);
    expect(events.newRunId()).toBe('run-8');
    const stored = { id: 'run-12', step: 1, points: 1, preset: 'tiny', datasetName: 'x', loaded: false, savedAt: 0, bytes: 1 };
    events.dispatch({
      type: 'storageInfo',
      runId: null,
      step: 0,
      info: { available: true, reason: null, checkpointEvery: 50, runs: [stored], datasets: [], lastError: null },
    });
    expect(events.newRunId()).toBe('run-13');
  });
});
