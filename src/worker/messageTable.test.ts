import { describe, expect, it } from 'vitest';
import type { ToWorker } from '../protocol';
import { MessageTable, UNQUEUED, type MessageHandlers } from './messageTable';

/** A table whose handlers log each message; `overrides` replace some of them. */
function harness(overrides: Partial<MessageHandlers> = {}) {
  const log: string[] = [];
  const errors: string[] = [];
  const handlers = new Proxy(overrides as MessageHandlers, {
    get: (target, type: string) => target[type as keyof MessageHandlers] ?? (() => void log.push(type)),
  });
  const table = new MessageTable(handlers, {
    onError: (message, error) => errors.push(`${message.type}: ${error instanceof Error ? error.message : String(error)}`),
    onArrival: (message) => log.push(`arrived ${message.type}`),
  });
  return { log, errors, table };
}

/** Lets every queued promise callback run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('MessageTable', () => {
  it('runs queued messages one after another, in arrival order', async () => {
    let release = () => {};
    const h = harness({
      loadDataset: () =>
        new Promise<void>((resolve) => {
          h.log.push('loadDataset started');
          release = () => {
            h.log.push('loadDataset done');
            resolve();
          };
        }),
    });
    h.table.receive({ type: 'loadDataset', source: { kind: 'stored', id: 'd', name: 'd' }, imageSize: 16 });
    h.table.receive({ type: 'start', runId: 'run-1' });
    await settle();
    expect(h.log).toEqual(['arrived loadDataset', 'arrived start', 'loadDataset started']);
    release();
    await settle();
    expect(h.log).toEqual(['arrived loadDataset', 'arrived start', 'loadDataset started', 'loadDataset done', 'start']);
  });

  it('runs the unqueued messages at once, even while the queue is held', async () => {
    const h = harness({ loadDataset: () => new Promise<void>(() => h.log.push('loadDataset started')) });
    h.table.receive({ type: 'loadDataset', source: { kind: 'stored', id: 'd', name: 'd' }, imageSize: 16 });
    await settle();
    const unqueued: ToWorker[] = [
      { type: 'cancelImport' },
      { type: 'cancelEval', runId: null },
      { type: 'reportMemory' },
      { type: 'simulateFault', fault: 'hang' },
    ];
    for (const message of unqueued) h.table.receive(message);
    expect(h.log).toEqual(['arrived loadDataset', 'loadDataset started', 'cancelImport', 'cancelEval', 'reportMemory', 'simulateFault']);
    expect([...UNQUEUED].sort()).toEqual(unqueued.map((m) => m.type).sort());
  });

  it('reports a handler that throws or rejects, and the queue goes on', async () => {
    const h = harness({
      start: () => {
        throw new Error('no run run-9');
      },
      forkRun: async () => {
        throw new Error('no run run-1 to fork');
      },
    });
    h.table.receive({ type: 'start', runId: 'run-9' });
    h.table.receive({ type: 'forkRun', runId: 'run-2', parentId: 'run-1' });
    h.table.receive({ type: 'pause', runId: 'run-3' });
    await settle();
    expect(h.errors).toEqual(['start: no run run-9', 'forkRun: no run run-1 to fork']);
    expect(h.log).toEqual(['arrived start', 'arrived forkRun', 'arrived pause', 'pause']);
  });

  it('has a handler for every message type: a record without one does not compile', () => {
    const complete = {} as MessageHandlers;
    const { cancelImport: _cancelImport, ...rest } = complete;
    // @ts-expect-error cancelImport has no handler
    const missing: MessageHandlers = rest;
    expect(missing).toBeDefined();
  });
});
