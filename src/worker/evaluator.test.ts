import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../data/store';
import { useCpu } from '../model/model.testing';
import type { FromWorker } from '../protocol';
import { deviceLock } from './deviceLock';
import { Evaluator } from './evaluator';
import { OodProvider } from './oodProvider';
import { TrainingRun } from './run';
import { microRunConfig, randomImageSet } from './views.testing';

beforeAll(useCpu);

const dataset: Dataset = {
  name: 'random',
  classNames: ['a', 'b', 'c'],
  train: randomImageSet(40, 8, 1),
  test: randomImageSet(20, 8, 2),
  skipped: [],
};

function setup() {
  const events: FromWorker[] = [];
  const run = new TrainingRun('run-1', microRunConfig(), dataset.train);
  const runs = new Map([[run.id, run]]);
  const never = async () => ({ ok: false as const, reason: 'no decoder in this test' });
  const evaluator = new Evaluator(
    { run: (id) => runs.get(id), dataset: () => dataset, emit: (e) => events.push(e) },
    new OodProvider(never, () => {}),
  );
  evaluator.setSettings({ trainSubset: 20, testSubset: 10, oodSubset: 10 });
  const next = (type: FromWorker['type']) =>
    new Promise<FromWorker>((resolve) => {
      const poll = () => {
        const found = events.find((e) => e.type === type);
        if (found) resolve(found);
        else setTimeout(poll, 5);
      };
      poll();
    });
  return { events, run, runs, evaluator, next };
}

describe('Evaluator', () => {
  it('evaluates a run on the weights of its current step, with every number in range', async () => {
    const { run, evaluator, events, next } = setup();
    await run.trainOneStep();
    evaluator.request(['run-1']);
    evaluator.request(['run-1']); // already queued: ignored
    // A step asked for after the evaluation waits for it, so the evaluation sees step 1's weights.
    const stepped = deviceLock.run(() => run.trainOneStep());
    const result = await next('evalResult');
    await stepped;
    expect(events.filter((e) => e.type === 'evalProgress' && e.phase === 'queued')).toHaveLength(1);
    expect(result).toMatchObject({ runId: 'run-1', step: 1 });
    expect(run.step).toBe(2);
    if (result.type !== 'evalResult') throw new Error('unreachable');
    const r = result.results;
    for (const v of [r.linearAcc, r.knnAcc, r.oodAurocBpd, r.oodAurocFeature, r.corruptionAcc, r.ece]) {
      expect(v as number).toBeGreaterThanOrEqual(0);
      expect(v as number).toBeLessThanOrEqual(1);
    }
    expect(r.testBpd).toBeGreaterThan(0);
    // No natural OOD set was given: the synthetic parts carry the OOD evaluation, and it says so.
    expect(r.oodParts.map((p) => p.name)).toEqual(['Gaussian noise', 'constant colour']);
    expect(r.ood.error).toMatch(/no OOD set/);
    run.dispose();
  });

  it('queues an automatic evaluation exactly at every N-th step', async () => {
    const { run, evaluator, events } = setup();
    evaluator.setSettings({ autoEvery: 2 });
    expect(events.at(-1)).toMatchObject({ type: 'evalSettings', settings: { autoEvery: 2 } });
    const queuedAt: number[] = [];
    for (let i = 0; i < 4; i++) {
      await deviceLock.run(() => run.trainOneStep());
      evaluator.afterStep(run);
      const last = events.at(-1);
      if (last?.type === 'evalProgress' && last.phase === 'queued' && !queuedAt.includes(last.step)) queuedAt.push(last.step);
      await deviceLock.run(async () => undefined); // let the queued evaluation finish
    }
    expect(queuedAt).toEqual([2, 4]);
    expect(events.filter((e) => e.type === 'evalResult').map((e) => e.step)).toEqual([2, 4]);
    run.dispose();
  });

  it('a cancel ends a queued or running evaluation with a cancelled event and no result', async () => {
    const { run, evaluator, events, next } = setup();
    evaluator.request(['run-1']);
    evaluator.cancel(null);
    const stopped = await next('evalStopped');
    expect(stopped).toMatchObject({ runId: 'run-1', reason: 'cancelled' });
    await deviceLock.run(async () => undefined);
    expect(events.some((e) => e.type === 'evalResult')).toBe(false);
    run.dispose();
  });

  it('a deleted run is not evaluated', async () => {
    const { run, runs, evaluator, next } = setup();
    evaluator.request(['run-1']);
    runs.delete('run-1');
    expect(await next('evalStopped')).toMatchObject({ reason: 'cancelled' });
    run.dispose();
  });
});
