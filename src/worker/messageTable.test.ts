import { describe, expect, it } from 'vitest';
import type { ToWorker } from '../protocol';
import { MessageTable, UNQUEUED, type MessageHandlers } from './messageTable';

/** A table whose handlers log each message; `overrides` replace some of them. `runs` are the live runs. */
function harness(overrides: Partial<MessageHandlers> = {}) {
  const log: string[] = [];
  const errors: string[] = [];
  const runs = new Set<string>();
  const handlers = new Proxy(overrides as MessageHandlers, {
    get: (target, type: string) => target[type as keyof MessageHandlers] ?? (() => void log.push(type)),
  });
  const table = new MessageTable(handlers, {
    onError: (message, error) => errors.push(`${message.type}: ${error instanceof Error ? error.message : String(error)}`),
    onArrival: (message) => log.push(`arrived ${message.type}`),
    runExists: (runId) => runs.has(runId),
  });
  return { log, errors, runs, table };
}

const LOAD: ToWorker = { type: 'loadDataset', source: { kind: 'stored', id: 'd', name: 'd' }, imageSize: 16 };

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

  it('applies a slider change to a live run on arrival, while the queue is held by slow work', async () => {
    const h = harness({ loadDataset: () => new Promise<void>(() => h.log.push('loadDataset started')) });
    h.runs.add('run-1');
    h.table.receive(LOAD);
    h.table.receive({ type: 'forkRun', runId: 'run-2', parentId: 'run-1' });
    await settle();
    h.table.receive({ type: 'setHyper', runId: 'run-1', hyper: { lr: 0.1 } });
    expect(h.log).toEqual(['arrived loadDataset', 'arrived forkRun', 'loadDataset started', 'setHyper']);
  });

  it('queues a slider change for a run not made yet behind what makes it, and later ones for that run in order', async () => {
    let release = () => {};
    const h = harness({
      loadDataset: () => new Promise<void>((resolve) => (release = resolve)),
      forkRun: ({ runId }) => {
        h.runs.add(runId);
        h.log.push(`forkRun ${runId}`);
      },
      importRun: () => new Promise<void>(() => h.log.push('importRun started')), // holds the queue for good
      setHyper: ({ runId, hyper }) => void h.log.push(`setHyper ${runId} lr=${hyper.lr}`),
    });
    h.runs.add('run-1');
    h.table.receive(LOAD);
    h.table.receive({ type: 'forkRun', runId: 'run-2', parentId: 'run-1' });
    h.table.receive({ type: 'setHyper', runId: 'run-2', hyper: { lr: 0.1 } }); // run-2 is not made yet
    h.table.receive({ type: 'importRun', runId: 'run-3', fileName: 'run.zip', bytes: new Uint8Array(0) });
    h.table.receive({ type: 'setHyper', runId: 'run-2', hyper: { lr: 0.2 } });
    h.table.receive({ type: 'setHyper', runId: 'run-1', hyper: { lr: 0.3 } }); // live: at once
    await settle();
    release();
    await settle();
    // run-2 exists now, but lr=0.2 still waits behind importRun, so lr=0.4 may not overtake it.
    h.table.receive({ type: 'setHyper', runId: 'run-2', hyper: { lr: 0.4 } });
    await settle();
    expect(h.log.filter((line) => !line.startsWith('arrived'))).toEqual([
      'setHyper run-1 lr=0.3',
      'forkRun run-2',
      'setHyper run-2 lr=0.1',
      'importRun started',
    ]);
    expect(h.errors).toEqual([]);
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
