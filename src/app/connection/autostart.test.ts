import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../config';
import type { FromWorker, ToWorker } from '../../protocol';
import { Autostart } from './autostart';
import { restoredEvent } from './workerEvents.testing';

const config = presetConfig('tiny');
const created = (runId: string, forkedFrom?: { runId: string; step: number }): FromWorker => ({
  type: 'runCreated',
  runId,
  step: forkedFrom?.step ?? 0,
  config,
  ...(forkedFrom ? { forkedFrom } : {}),
});
function harness(enabled: boolean) {
  const posted: ToWorker[] = [];
  return { posted, autostart: new Autostart(enabled, (message) => posted.push(message)) };
}

describe('Autostart (?autostart=1)', () => {
  it('starts the first run created, and no run after it: not a fork of it, not a new run', () => {
    const { posted, autostart } = harness(true);
    expect(autostart.apply({ type: 'runStatus', runId: 'run-1', step: 0, status: 'idle' })).toBe(false);
    expect(autostart.apply(created('run-1'))).toBe(true);
    expect(autostart.apply(created('run-2', { runId: 'run-1', step: 3 }))).toBe(false);
    expect(autostart.apply(created('run-3'))).toBe(false);
    expect(posted).toEqual([{ type: 'start', runId: 'run-1' }]);
  });

  it('starts nothing without ?autostart=1, and nothing after a session came back from storage', () => {
    const off = harness(false);
    off.autostart.apply(created('run-1'));
    expect(off.posted).toEqual([]);
    const afterRestore = harness(true);
    afterRestore.autostart.apply(restoredEvent('run-1', 4));
    afterRestore.autostart.apply(created('run-2'));
    expect(afterRestore.posted).toEqual([]);
  });
});
