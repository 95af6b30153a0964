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

/**
 * PyTorch's AdamW (torch.optim.AdamW, amsgrad off) in float64, one parameter tensor at a time: a
 * parameter without a gradient is skipped, so its step count stays where it was. The learning rate
 * is the run's warm-up schedule at the run's step, as the app's LambdaLR-style schedule gives it.
 */
class ReferenceAdamW {
  private readonly m: number[][];
  private readonly v: number[][];
  readonly t: number[];
  constructor(
    readonly params: number[][],
    private readonly decay: boolean[],
    private readonly opts: { lr: number; wd: number; warmup: number; beta1: number; beta2: number; eps: number },
  ) {
    this.m = params.map((p) => p.map(() => 0));
    this.v = params.map((p) => p.map(() => 0));
    this.t = params.map(() => 0);
  }

  step(grads: (number[] | undefined)[], runStep: number): void {
    const { lr, wd, warmup, beta1, beta2, eps } = this.opts;
    const lrT = lr * Math.min(1, runStep / warmup);
    grads.forEach((g, i) => {
      if (!g) return;
      this.t[i] += 1;
      const c1 = 1 - beta1 ** this.t[i];
      const c2 = 1 - beta2 ** this.t[i];
      const p = this.params[i];
      for (let k = 0; k < p.length; k++) {
        if (this.decay[i]) p[k] *= 1 - lrT * wd;
        this.m[i][k] = beta1 * this.m[i][k] + (1 - beta1) * g[k];
        this.v[i][k] = beta2 * this.v[i][k] + (1 - beta2) * g[k] * g[k];
        p[k] -= (lrT * (this.m[i][k] / c1)) / (Math.sqrt(this.v[i][k] / c2) + eps);
      }
    });
  }
}

/** A deterministic gradient for element k of variable i at run step s (independent of the weights). */
function gradient(i: number, size: number, s: number): number[] {
  return Array.from(
    { length: size },
    (_, k) => Math.sin(0.37 * s + 1.3 * k + 2.1 * i) * (0.5 + 0.25 * i) + 0.05 * Math.cos(0.11 * s * (k + 1)),
  );
}

describe('AdamW', () => {
  it('first step: warm-up halves lr, decoupled decay on matrices only, Adam step ≈ lr·sign(g)', async () => {
    const { vars, opt } = setup();
    const g = [tf.tensor2d([[0.1, -0.2]]), tf.tensor1d([0.3])];
    opt.apply(g, 0.1, 1); // run step 1 → lr 0.05; m̂ = g, v̂ = g² → step = g/(|g| + ε)
    const w = await vars[0].variable.data();
    const b = await vars[1].variable.data();
    expect(w[0]).toBeCloseTo(1 * (1 - 0.05 * 0.5) - 0.05, 6);
    expect(w[1]).toBeCloseTo(2 * (1 - 0.05 * 0.5) + 0.05, 6);
    expect(b[0]).toBeCloseTo(0.5 - 0.05, 6);
    // Step 2 without a gradient for b: b is frozen (no decay, no momentum, no step count), w keeps training.
    opt.apply([g[0], undefined], 0.1, 2);
    expect((await vars[1].variable.data())[0]).toBeCloseTo(0.45, 7);
    expect(opt.stepCounts).toEqual([2, 1]);
    const state = await opt.exportState();
    expect(state.map((s) => s.name)).toEqual(['w/m', 'w/v', 'w/t', 'b/m', 'b/v', 'b/t']);
    expect(state.map((s) => s.shape)).toEqual([[1, 2], [1, 2], [1], [1], [1], [1]]);
    expect([state[2].values[0], state[5].values[0]]).toEqual([2, 1]);
    expect(state[3].values[0]).toBeCloseTo(0.1 * 0.3, 7); // b's m untouched by step 2
    const other = setup();
    other.opt.importState(state);
    expect(other.opt.stepCounts).toEqual([2, 1]);
    expect(await other.opt.exportState()).toEqual(state);
    tf.dispose([...g, ...vars.map((v) => v.variable), ...other.vars.map((v) => v.variable)]);
    opt.dispose();
    other.opt.dispose();
  });

  it('a branch frozen for 200 steps resumes with its own bias correction, as PyTorch AdamW (first 10 updates)', async () => {
    const shapes = [[3], [2, 2], [2]];
    const decay = [true, true, false];
    const init = [
      [0.3, -0.7, 1.1],
      [0.9, -0.2, 0.4, -1.3],
      [0.05, -0.15],
    ];
    const vars: NamedVariable[] = shapes.map((shape, i) => ({
      name: `v${i}`,
      variable: tf.variable(tf.tensor(init[i], shape)),
      decay: decay[i],
    }));
    const opts = { lr: 1e-2, wd: 0.1, warmup: 5, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
    const opt = new AdamW(vars, { weightDecay: opts.wd, warmupSteps: opts.warmup });
    const ref = new ReferenceAdamW(
      init.map((p) => p.slice()),
      decay,
      opts,
    );
    // Variables 1 and 2 are "the contrastive branch": frozen (no gradient) for steps 21..220.
    const frozen = (s: number) => s > 20 && s <= 220;
    const step = (s: number) => {
      const grads = vars.map((x, i) => (i > 0 && frozen(s) ? undefined : gradient(i, x.variable.size, s)));
      tf.tidy(() =>
        opt.apply(
          grads.map((g, i) => (g ? tf.tensor(g, vars[i].variable.shape) : undefined)),
          opts.lr,
          s,
        ),
      );
      ref.step(grads, s);
    };
    for (let s = 1; s <= 220; s++) step(s);
    expect(opt.stepCounts).toEqual([220, 20, 20]);
    const tensors: number[] = [];
    for (let s = 221; s <= 230; s++) {
      const before = await Promise.all(vars.map(async (x) => Array.from(await x.variable.data())));
      const refBefore = ref.params.map((p) => p.slice());
      step(s);
      tensors.push(tf.memory().numTensors);
      const after = await Promise.all(vars.map(async (x) => Array.from(await x.variable.data())));
      for (let i = 1; i < vars.length; i++) {
        after[i].forEach((value, k) => {
          const moved = value - before[i][k];
          const expected = ref.params[i][k] - refBefore[i][k];
          // Each update moves about lr (1e-2); the bug moved 1.35–2.84 lr. Float32 rounding of the
          // weights (~1e-7) bounds the difference of two of them.
          expect(Math.abs(moved - expected), `variable ${i}[${k}] at step ${s}`).toBeLessThan(2e-6);
        });
      }
    }
    expect(opt.stepCounts).toEqual(ref.t);
    expect(new Set(tensors).size).toBe(1); // the per-group step sizes leak nothing
    const final = await Promise.all(vars.map(async (x) => Array.from(await x.variable.data())));
    final.forEach((p, i) => p.forEach((value, k) => expect(value).toBeCloseTo(ref.params[i][k], 5)));
    tf.dispose(vars.map((x) => x.variable));
    opt.dispose();
  });

  it('an update that fails changes nothing: step counts, moments and weights stay as they were', async () => {
    const { vars, opt } = setup();
    const g = [tf.tensor2d([[0.1, -0.2]]), tf.tensor1d([0.3])];
    opt.apply(g, 0.1, 1);
    const state = await opt.exportState();
    const weights = await Promise.all(vars.map(async (v) => Array.from(await v.variable.data())));
    const gone = tf.tensor1d([0.3]);
    gone.dispose(); // a kernel of the update fails on it, as a failing device would
    expect(() => opt.apply([g[0], gone], 0.1, 2)).toThrow();
    expect(opt.stepCounts).toEqual([1, 1]);
    expect(await opt.exportState()).toEqual(state);
    expect(await Promise.all(vars.map(async (v) => Array.from(await v.variable.data())))).toEqual(weights);
    tf.dispose([...g, ...vars.map((v) => v.variable)]);
    opt.dispose();
  });

  it('keys the warm-up to the run step, not to the update count', async () => {
    const vars: NamedVariable[] = [{ name: 'x', variable: tf.variable(tf.tensor1d([1])), decay: false }];
    const opt = new AdamW(vars, { weightDecay: 0, warmupSteps: 10 });
    // Steps 1..7 took no update (both loss weights at 0): the first update is the run's step 8.
    tf.tidy(() => opt.apply([tf.tensor1d([2])], 0.1, 8));
    expect((await vars[0].variable.data())[0]).toBeCloseTo(1 - 0.1 * 0.8, 6);
    expect(opt.stepCounts).toEqual([1]);
    tf.dispose(vars[0].variable);
    opt.dispose();
  });

  it('refuses state without a step count per variable, naming the first missing one', async () => {
    const { vars, opt } = setup();
    const state = await opt.exportState();
    expect(() => opt.importState(state.filter((s) => s.name !== 'b/t'))).toThrow(/b\/t is missing/);
    const legacy = [{ name: 'adamw/t', shape: [1], values: Float32Array.of(3) }, ...state.filter((s) => !s.name.endsWith('/t'))];
    expect(() => opt.importState(legacy)).toThrow(/adamw\/t.*migrat/);
    expect(() => opt.importState(state.map((s) => (s.name === 'w/t' ? { ...s, values: Float32Array.of(1.5) } : s)))).toThrow(
      /w\/t.*not a step count/,
    );
    tf.dispose(vars.map((v) => v.variable));
    opt.dispose();
  });
});
