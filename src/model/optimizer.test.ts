import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './optimizer';
import type { NamedVariable } from './params';
import { useCpu } from './model.testing';

beforeAll(useCpu);

function setup(): { vars: NamedVariable[]; opt: AdamW } {
  const vars: NamedVariable[] = [
    { name: 'w', variable: tf.variable(tf.tensor2d([[1, 2]])), decay: true },
    { name: 'b', variable: tf.variable(tf.tensor1d([0.5])), decay: false },
  ];
  return { vars, opt: new AdamW(vars, { weightDecay: 0.5, warmupSteps: 2 }) };
}

describe('AdamW', () => {
  it('first step: warm-up halves lr, decoupled decay on matrices only, Adam step ≈ lr·sign(g)', async () => {
    const { vars, opt } = setup();
    const g = [tf.tensor2d([[0.1, -0.2]]), tf.tensor1d([0.3])];
    opt.apply(g, 0.1); // t = 1 → lr 0.05; m̂ = g, v̂ = g² → step = g/(|g| + ε)
    const w = await vars[0].variable.data();
    const b = await vars[1].variable.data();
    expect(w[0]).toBeCloseTo(1 * (1 - 0.05 * 0.5) - 0.05, 6);
    expect(w[1]).toBeCloseTo(2 * (1 - 0.05 * 0.5) + 0.05, 6);
    expect(b[0]).toBeCloseTo(0.5 - 0.05, 6);
    // Step 2 without a gradient for b: b is frozen (no decay, no momentum), w keeps training.
    opt.apply([g[0], undefined], 0.1);
    expect((await vars[1].variable.data())[0]).toBeCloseTo(0.45, 7);
    expect(opt.updates).toBe(2);
    const state = await opt.exportState();
    expect(state.map((s) => s.name)).toEqual(['adamw/t', 'w/m', 'w/v', 'b/m', 'b/v']);
    expect(state[3].values[0]).toBeCloseTo(0.1 * 0.3, 7); // b's m untouched by step 2
    const other = setup();
    other.opt.importState(state);
    expect(await other.opt.exportState()).toEqual(state);
    tf.dispose([...g, ...vars.map((v) => v.variable), ...other.vars.map((v) => v.variable)]);
    opt.dispose();
    other.opt.dispose();
  });
});
