import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../model/model.testing';
import { MAX_RUNS } from '../runPresets';
import { checkRoom, forkRun } from './fork';
import { TrainingRun, type RunCheckpoint } from './run';
import { microRunConfig, randomImageSet } from './views.testing';

beforeAll(useCpu);

const train = randomImageSet(24, 8, 3);

function flat(checkpoint: RunCheckpoint): { names: string[]; values: number[][] } {
  const all = [...checkpoint.trainer.weights, ...checkpoint.trainer.optimizer];
  return { names: all.map((a) => a.name), values: all.map((a) => Array.from(a.values)) };
}

/** The step's losses without its timings (which differ between any two steps). */
async function losses(run: TrainingRun): Promise<number[]> {
  const { step, metrics } = await run.trainOneStep();
  return [step, metrics.lossTotal, metrics.lossCon, metrics.bitsPerDim, metrics.conTop1];
}

describe('forkRun', () => {
  it('copies weights, optimiser state, data position, step and hyperparameters exactly', async () => {
    const parent = new TrainingRun('run-1', microRunConfig(), train);
    parent.setHyper({ lambdaCon: 0.5, lr: 5e-3 });
    for (let i = 0; i < 5; i++) await parent.trainOneStep(); // 5 steps of 4 images: mid-epoch (24 images)
    const child = await forkRun(parent, 'run-2', train);

    expect(child.id).toBe('run-2');
    expect(child.step).toBe(5);
    expect(child.currentHyper).toEqual(parent.currentHyper);
    const [a, b] = [await parent.exportCheckpoint(), await child.exportCheckpoint()];
    expect(b.batcher).toEqual(a.batcher);
    expect(b.trainer.step).toBe(a.trainer.step);
    const [fa, fb] = [flat(a), flat(b)];
    expect(fb.names).toEqual(fa.names);
    expect(fa.names).toContain('enc0/qkv/w/t'); // a step count per variable
    expect(fb.values).toEqual(fa.values); // bit-identical, not merely close

    // Same hyperparameters: the next steps see the same batches and views, so the losses are identical.
    for (let i = 0; i < 2; i++) expect(await losses(child)).toEqual(await losses(parent));

    // Then the child's sliders move and only the child changes course.
    child.setHyper({ lambdaCon: 0 });
    const [lp, lc] = [await losses(parent), await losses(child)];
    expect(lc[0]).toBe(lp[0]);
    expect(lc[1]).not.toBe(lp[1]);
    parent.dispose();
    child.dispose();
  });

  it('a fresh run with the same seed is not a fork: its state differs from a trained parent', async () => {
    const parent = new TrainingRun('run-1', microRunConfig(), train);
    for (let i = 0; i < 3; i++) await parent.trainOneStep();
    const fresh = new TrainingRun('run-2', microRunConfig(), train);
    const [a, b] = [await parent.exportCheckpoint(), await fresh.exportCheckpoint()];
    expect(b.trainer.step).toBe(0);
    expect(flat(b).values).not.toEqual(flat(a).values);
    parent.dispose();
    fresh.dispose();
  });

  it('runs created with the same seed draw the same batches at the same step', async () => {
    const a = new TrainingRun('run-1', microRunConfig(11), train);
    const b = new TrainingRun('run-2', { ...microRunConfig(11), hyper: { lambdaCon: 0, lambdaGen: 1, tau: 0.2, lr: 3e-3 } }, train);
    const [ca, cb] = [await a.exportCheckpoint(), await b.exportCheckpoint()];
    expect(cb.batcher).toEqual(ca.batcher);
    expect(flat(cb).values).toEqual(flat(ca).values); // same initial weights too
    await a.trainOneStep();
    await b.trainOneStep();
    expect((await b.exportCheckpoint()).batcher).toEqual((await a.exportCheckpoint()).batcher);
    a.dispose();
    b.dispose();
  });
});

describe('checkRoom', () => {
  it('refuses a reused id and a run beyond the limit', () => {
    const runs = new Map<string, number>();
    for (let i = 1; i <= MAX_RUNS; i++) {
      expect(() => checkRoom(runs, `run-${i}`)).not.toThrow();
      runs.set(`run-${i}`, i);
    }
    expect(() => checkRoom(runs, 'run-1')).toThrow(/already exists/);
    expect(() => checkRoom(runs, 'run-99')).toThrow(/at most 4/);
  });
});
