import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../data/store';
import { useCpu } from '../model/model.testing';
import type { FromWorker } from '../protocol';
import { deviceLock } from './deviceLock';
import { untrainedBaselineId } from '../eval/baselines';
import { DEFAULT_EVAL_SETTINGS } from '../eval/evalTypes';
import { chunkSizeFor } from '../eval/modelPasses';
import { buildOodParts } from '../eval/oodSet';
import { runEvalSuite } from '../eval/suite';
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
  const ood = new OodProvider(never, () => {});
  const evaluator = new Evaluator({ run: (id) => runs.get(id), dataset: () => dataset, emit: (e) => events.push(e) }, ood);
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
  return { events, run, runs, evaluator, next, ood };
}

describe('Evaluator', () => {
  it("evaluates a run on the weights of its current step: its results are the suite's on exactly those weights", async () => {
    const { run, evaluator, events, next, ood } = setup();
    await run.trainOneStep();
    // A copy of the run at step 1, and one at step 2, to evaluate directly.
    const atStep1 = new TrainingRun('copy-1', microRunConfig(), dataset.train);
    atStep1.importCheckpoint(await run.exportCheckpoint());
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
    const direct = async (model: TrainingRun) => {
      const settings = { ...DEFAULT_EVAL_SETTINGS, trainSubset: 20, testSubset: 10, oodSubset: 10 };
      const size = dataset.train.size;
      const results = await runEvalSuite({
        model: model.trainer,
        train: dataset.train,
        test: dataset.test,
        numClasses: 3,
        oodParts: buildOodParts(null, settings, size),
        oodInfo: ood.current(),
        settings,
        chunkSize: chunkSizeFor((size / model.config.model.patch) ** 2 + 1),
      });
      return { ...results, seconds: 0 };
    };
    const expected = await direct(atStep1);
    expect({ ...result.results, seconds: 0 }).toEqual(expected);
    // ...and not the suite's on step 2's weights (the test can tell them apart).
    expect((await direct(run)).testBpd).not.toBe(expected.testBpd);
    // No natural OOD set was given: the synthetic parts carry the OOD evaluation, and it says so.
    expect(result.results.oodParts.map((p) => p.name)).toEqual(['Gaussian noise', 'constant colour']);
    expect(result.results.ood.error).toMatch(/no OOD set/);
    run.dispose();
    atStep1.dispose();
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

  it('the first evaluation also evaluates the baselines: the untrained row is the run at step 0, pixels have no bits/dim', async () => {
    const { run, evaluator, events, next } = setup();
    evaluator.request(['run-1']);
    const result = await next('evalResult');
    const published = events.filter((e) => e.type === 'evalBaselines');
    const last = published.at(-1);
    if (result.type !== 'evalResult' || last?.type !== 'evalBaselines') throw new Error('no result or no baselines');
    // Baselines are published before the run's own result, one at a time as they finish.
    expect(events.indexOf(last)).toBeLessThan(events.indexOf(result));
    expect(last.baselines.map((b) => b.kind)).toEqual(['untrained', 'pixels']);
    const [untrained, pixels] = last.baselines;
    expect(untrained.id).toBe(untrainedBaselineId(run.config));
    // The run has not stepped: its weights are the untrained network's, so every number is the same.
    expect({ ...untrained.results, seconds: 0 }).toEqual({ ...result.results, seconds: 0 });
    expect(pixels.results.testBpd).toBeNull();
    expect(pixels.results.oodAurocBpd).toBeNull();
    expect(pixels.results.linearAcc).toEqual(expect.any(Number));

    // A second evaluation in the same context reuses them.
    await deviceLock.run(() => run.trainOneStep());
    const before = published.length;
    evaluator.request(['run-1']);
    await deviceLock.run(async () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events.filter((e) => e.type === 'evalResult')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'evalBaselines')).toHaveLength(before);

    // Other subsets: the baselines no longer apply and are dropped at once; "every N" alone keeps them.
    evaluator.setSettings({ autoEvery: 5 });
    expect(events.filter((e) => e.type === 'evalBaselines')).toHaveLength(before);
    evaluator.setSettings({ testSubset: 12 });
    expect(events.filter((e) => e.type === 'evalBaselines').at(-1)).toMatchObject({ baselines: [] });
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
