import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../model/model.testing';
import type { StepReport } from '../worker/run';
import { TrainingRun } from '../worker/run';
import { decodeBundle, encodeBundle } from './bundle';
import { restoreRun } from '../worker/restoreRun';
import { MICRO_CONFIG, fakeSet, trainedBundle } from './persist.testing';

beforeAll(useCpu);

// 10 images, batch 4: an epoch ends inside step 3, so the next steps depend on the epoch's permutation
// and the cursor inside it, not only on the weights.
const train = fakeSet(10, MICRO_CONFIG.model.imageSize, 5);

function losses(report: StepReport): number[] {
  const { lossTotal, lossCon, bitsPerDim, conTop1 } = report.metrics;
  return [report.step, lossTotal, lossCon, bitsPerDim, conTop1];
}

async function nextSteps(run: TrainingRun, n: number): Promise<number[][]> {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push(losses(await run.trainOneStep()));
  return out;
}

describe('a checkpoint restored into a fresh run', () => {
  it('gives bit-identical next-step losses, through IndexedDB-style cloning and through a bundle', async () => {
    const original = new TrainingRun('a', MICRO_CONFIG, train);
    original.setHyper({ lambdaCon: 0.5, lr: 5e-3 }); // moved sliders are part of the state
    const saved = await trainedBundle(original, 3);
    // IndexedDB stores by structured clone; a bundle goes through zip, JSON and the weights format.
    const cloned = restoreRun('b', structuredClone(saved), train);
    const bundled = restoreRun('c', decodeBundle(encodeBundle(saved, { samples: null, embedding: null })).bundle, train);
    expect(cloned.step).toBe(3);
    expect(bundled.step).toBe(3);
    const expected = await nextSteps(original, 3);
    expect(expected[0][0]).toBe(4);
    expect(await nextSteps(cloned, 3)).toEqual(expected);
    expect(await nextSteps(bundled, 3)).toEqual(expected);
    for (const run of [original, cloned, bundled]) run.dispose();
  });

  it('depends on the data position: the same weights at another position give other losses', async () => {
    const original = new TrainingRun('a', MICRO_CONFIG, train);
    const saved = await trainedBundle(original, 3);
    const expected = await nextSteps(original, 1);
    const shifted = restoreRun('b', { ...saved, batcher: { ...saved.batcher, cursor: (saved.batcher.cursor + 1) % 10 } }, train);
    expect(await nextSteps(shifted, 1)).not.toEqual(expected);
    for (const run of [original, shifted]) run.dispose();
  });

  it('refuses a data position that does not fit the image set, and frees the run it built', async () => {
    const original = new TrainingRun('a', MICRO_CONFIG, train);
    const saved = await trainedBundle(original, 1);
    expect(() => restoreRun('b', { ...saved, batcher: { ...saved.batcher, cursor: 11 } }, train)).toThrow(/does not fit/);
    original.dispose();
  });
});
