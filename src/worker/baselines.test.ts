import { beforeAll, describe, expect, it } from 'vitest';
import { PIXELS_BASELINE_ID, untrainedBaselineId } from '../eval/baselines';
import type { BaselineRecord, EvalResults } from '../eval/evalTypes';
import type { EvaluableModel } from '../eval/modelPasses';
import { pixelRepresentation } from '../eval/pixelBaseline';
import { useCpu } from '../model/model.testing';
import { Baselines } from './baselines';
import { microRunConfig } from './views.testing';

beforeAll(useCpu);

/** An evaluation that records what it was asked and answers with the call number as the accuracy. */
function fakeEvaluate() {
  const calls: { model: EvaluableModel; phase: string }[] = [];
  const evaluate = async (model: EvaluableModel, phase: string) => {
    calls.push({ model, phase });
    return { linearAcc: calls.length / 10 } as EvalResults;
  };
  return { calls, evaluate };
}

describe('Baselines', () => {
  it('evaluates the untrained network and the pixels once per context, and again for a new seed or context', async () => {
    const published: BaselineRecord[][] = [];
    const baselines = new Baselines((list) => published.push(list));
    const { calls, evaluate } = fakeEvaluate();
    const seed7 = microRunConfig(7);
    await baselines.ensure(seed7, 'ctx', evaluate);
    expect(calls.map((c) => c.phase)).toEqual(['baseline: untrained network', 'baseline: raw pixels']);
    // The untrained network has a likelihood; the pixels are the pixel representation itself.
    expect(typeof calls[0].model.bitsPerDim).toBe('function');
    expect(calls[1].model).toBe(pixelRepresentation);
    expect(published.at(-1)?.map((b) => [b.id, b.results.linearAcc])).toEqual([
      [untrainedBaselineId(seed7), 0.1],
      [PIXELS_BASELINE_ID, 0.2],
    ]);

    await baselines.ensure(seed7, 'ctx', evaluate);
    expect(calls).toHaveLength(2);
    // Another seed is another untrained network; the pixels are shared.
    await baselines.ensure(microRunConfig(8), 'ctx', evaluate);
    expect(calls).toHaveLength(3);
    expect(baselines.current().map((b) => b.id)).toEqual([
      untrainedBaselineId(seed7),
      PIXELS_BASELINE_ID,
      untrainedBaselineId(microRunConfig(8)),
    ]);
    // Another context (dataset, subsets, OOD set): everything is dropped, said, and computed again.
    await baselines.ensure(seed7, 'ctx2', evaluate);
    expect(published.some((list) => list.length === 0)).toBe(true);
    expect(calls).toHaveLength(5);
  });

  it('drops a baseline whose context was reset while it was computed', async () => {
    const baselines = new Baselines(() => {});
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = async () => {
      await gate;
      return { linearAcc: 0.5 } as EvalResults;
    };
    const pending = baselines.ensure(microRunConfig(7), 'ctx', slow);
    baselines.reset();
    release();
    await pending;
    expect(baselines.current()).toEqual([]);
  });
});
