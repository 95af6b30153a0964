import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { PRESETS } from '../config';
import { estimateTrainingMemory, explainMemoryProblem, parameterCount } from './memoryEstimate';
import { createParams } from './params';

describe('memory estimate', () => {
  it('counts exactly the parameters the model creates', async () => {
    await tf.setBackend('cpu');
    for (const preset of ['tiny', 'small'] as const) {
      const { list } = createParams(PRESETS[preset], 1);
      const created = list.reduce((sum, v) => sum + v.variable.size, 0);
      expect(parameterCount(PRESETS[preset])).toBe(created);
      list.forEach((v) => v.variable.dispose());
    }
  });

  it('has the attention map as the largest tensor of the large preset, computed by hand', () => {
    // large: 3B = 192 sequences × 6 heads × 257² tokens × 4 bytes.
    const estimate = estimateTrainingMemory(PRESETS.large, 64);
    expect(estimate.largestTensorBytes).toBe(192 * 6 * 257 * 257 * 4);
  });

  it('grows with the batch and refuses what exceeds the limits with a suggestion', () => {
    const small = estimateTrainingMemory(PRESETS.small, 64);
    const bigger = estimateTrainingMemory(PRESETS.small, 256);
    expect(bigger.activationBytes).toBeGreaterThan(3.9 * small.activationBytes);
    expect(explainMemoryProblem(small, { maxTensorBytes: Infinity, totalBudgetBytes: 64 * 2 ** 30 }, 64)).toBeNull();
    const tooWide = explainMemoryProblem(
      estimateTrainingMemory(PRESETS.large, 64),
      { maxTensorBytes: 128 * 2 ** 20, totalBudgetBytes: Infinity },
      64,
    );
    expect(tooWide).toMatch(/more than the GPU allows in one buffer.*Try batch 32/);
    const tooBig = explainMemoryProblem(bigger, { maxTensorBytes: Infinity, totalBudgetBytes: 100 * 2 ** 20 }, 256);
    expect(tooBig).toMatch(/more than the 100 MiB available\. Try batch 128/);
  });
});
