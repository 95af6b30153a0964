import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useCpu } from '../model/model.testing';
import { TrainingRun } from './run';
import { microRunConfig, randomImageSet } from './views.testing';

beforeAll(useCpu);
afterEach(() => vi.restoreAllMocks());

const train = randomImageSet(24, 8, 3);

/** The step's number and losses, without its timings (which differ between any two steps). */
async function losses(run: TrainingRun): Promise<number[]> {
  const { step, metrics } = await run.trainOneStep();
  return [step, metrics.lossTotal, metrics.lossCon, metrics.bitsPerDim, metrics.conTop1];
}

/** The next optimiser update throws at its first write (the AdamW moments), as a failing device would. */
function failNextUpdate(): void {
  vi.spyOn(tf.Variable.prototype, 'assign').mockImplementationOnce(() => {
    throw new Error('update failed');
  });
}

/** The next tensor read (the step's first loss) rejects. */
function failNextRead(): void {
  vi.spyOn(tf.Tensor.prototype, 'data').mockImplementationOnce(() => Promise.reject(new Error('read failed')));
}

describe('TrainingRun: a failing step', () => {
  it('that throws in its update takes no step: resumed, it keeps lock-step with a same-seed sibling', async () => {
    const [sibling, run] = [new TrainingRun('run-1', microRunConfig(), train), new TrainingRun('run-2', microRunConfig(), train)];
    const seen: number[][] = [];
    const expected: number[][] = [];
    for (let i = 0; i < 2; i++) expect(await losses(run)).toEqual(await losses(sibling));
    failNextUpdate();
    await expect(run.trainOneStep()).rejects.toThrow('update failed');
    expect(run.step).toBe(2);
    for (let i = 0; i < 4; i++) {
      expected.push(await losses(sibling));
      seen.push(await losses(run));
    }
    // Steps 3..6 on the same batches and views, from the same weights and Adam counts: the same numbers.
    expect(seen).toEqual(expected);
    const [a, b] = [await sibling.exportCheckpoint(), await run.exportCheckpoint()];
    expect(b.batcher).toEqual(a.batcher);
    expect(b.trainer.optimizer.map((s) => Array.from(s.values))).toEqual(a.trainer.optimizer.map((s) => Array.from(s.values)));
    sibling.dispose();
    run.dispose();
  });

  it('whose loss read rejects has taken its step: data position and step still move together', async () => {
    const [sibling, run] = [new TrainingRun('run-1', microRunConfig(), train), new TrainingRun('run-2', microRunConfig(), train)];
    await losses(sibling);
    await losses(run);
    await losses(sibling);
    failNextRead();
    await expect(run.trainOneStep()).rejects.toThrow('read failed');
    expect(run.step).toBe(2);
    for (let i = 0; i < 3; i++) expect(await losses(run)).toEqual(await losses(sibling));
    sibling.dispose();
    run.dispose();
  });

  for (const [what, fail, message] of [
    ['its update throws', failNextUpdate, 'update failed'],
    ['a loss read rejects', failNextRead, 'read failed'],
  ] as const) {
    it(`leaves no tensor behind when ${what}`, async () => {
      const run = new TrainingRun('run-1', microRunConfig(), train);
      await run.trainOneStep(); // the optimiser's first step allocates what every later step reuses
      const before = tf.memory().numTensors;
      fail();
      await expect(run.trainOneStep()).rejects.toThrow(message);
      expect(tf.memory().numTensors).toBe(before);
      await run.trainOneStep();
      expect(tf.memory().numTensors).toBe(before);
      run.dispose();
    });
  }
});
