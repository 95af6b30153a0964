// A slider change reaches a training run through the worker's message table while slow work holds the
// queue: the table, scheduler and run are the worker's own, wired as worker.ts wires them; the page's
// TrainerStore turns the emitted events into the chart's marks.
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainerStore } from '../app/training/trainerStore';
import { useCpu } from '../model/model.testing';
import type { FromWorker, ToWorker } from '../protocol';
import { deviceLock } from './deviceLock';
import { MessageTable, type MessageHandlers } from './messageTable';
import { TrainingRun } from './run';
import { Scheduler } from './scheduler';
import { microRunConfig, randomImageSet } from './views.testing';

beforeAll(useCpu);

type Metrics = Extract<FromWorker, { type: 'metrics' }>;

const LOAD: ToWorker = { type: 'loadDataset', source: { kind: 'stored', id: 'd', name: 'd' }, imageSize: 8 };

describe('live sliders', () => {
  it('a slider moved while an import holds the queue is used from the next step, and the chart marks that step', async () => {
    const store = new TrainerStore();
    const metrics: Metrics[] = [];
    const scheduler = new Scheduler((event) => {
      store.apply(event);
      if (event.type === 'metrics') metrics.push(event);
    });
    const run = new TrainingRun('run-1', microRunConfig(), randomImageSet(24, 8, 3));
    scheduler.add(run);
    store.apply({ type: 'runCreated', runId: run.id, step: 0, config: run.config });

    let finishImport = () => {};
    const handlers: Partial<MessageHandlers> = {
      loadDataset: () => new Promise<void>((resolve) => (finishImport = resolve)),
      start: ({ runId }) => scheduler.start(runId),
      setHyper: ({ runId, hyper }) => scheduler.runs.get(runId)?.setHyper(hyper), // as in worker.ts
    };
    const table = new MessageTable(handlers as MessageHandlers, {
      onError: (_message, error) => {
        throw error;
      },
      runExists: (runId) => scheduler.runs.has(runId),
    });
    const reached = async (step: number) => {
      while (!metrics.some((m) => m.step >= step)) await new Promise((resolve) => setTimeout(resolve, 5));
    };

    table.receive({ type: 'start', runId: run.id });
    await reached(1);
    table.receive(LOAD); // holds the queue from here on
    await reached(2);
    // The step in flight (or the last one done) was set up with the old weights; the next is not yet.
    const lastOld = run.step;
    table.receive({ type: 'setHyper', runId: run.id, hyper: { lambdaCon: 0.3, lambdaGen: 1.7 } });
    await reached(lastOld + 2);
    scheduler.pause(run.id);
    await deviceLock.run(async () => undefined); // the step in progress, if any, ends
    finishImport();

    for (const m of metrics) {
      const expected = m.step <= lastOld ? [1, 1] : [0.3, 1.7];
      expect([m.hyper.lambdaCon, m.hyper.lambdaGen], `λ used at step ${m.step}`).toEqual(expected);
    }
    const first = metrics.find((m) => m.step === lastOld + 1) as Metrics;
    expect(first.metrics.lossTotal).toBeCloseTo(0.3 * first.metrics.lossCon + 1.7 * first.metrics.bitsPerDim, 4);
    expect(store.getSnapshot().runs[0].hyperChanges.map((change) => change.step)).toEqual([lastOld + 1]);
    scheduler.remove(run.id);
  });
});
