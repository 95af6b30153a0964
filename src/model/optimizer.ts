// AdamW by hand (tfjs's Adam has no decoupled weight decay and its state is awkward to export
// exactly). Decoupled decay as in PyTorch's AdamW: p ← p − lr·(m̂/(√v̂+ε) + wd·p), applied only to
// variables flagged `decay` (matrices of linear layers; not LayerNorm gains/biases, biases, the
// start token or position embeddings). As in PyTorch, every variable has its own step count t: a
// variable without a gradient is skipped and its t stays, so a branch switched off by a zero loss
// weight resumes with its own bias correction (docs/run-bundle.md, optimiser state). The learning
// rate arrives per step because it is a live control; the linear warm-up multiplies it by
// min(1, step / warmupSteps), keyed to the run's step, which no Adam count needs to follow.
import * as tf from '@tensorflow/tfjs';
import type { NamedVariable } from './params';
import { adamwFused, adamwNeeds, type AdamWSlot } from './webgpu/adamw';
import { runsFused } from './webgpu/limits';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay: number;
  warmupSteps: number;
}

export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** A private copy: the cpu backend's data() hands out its own storage, which a transfer would detach. */
export function copyOf(values: tf.TypedArray): Float32Array {
  return Float32Array.from(values);
}

/** Suffix of a variable's step count in the exported state: `<variable name>/t`. */
export const STEP_COUNT_SUFFIX = 't';

/**
 * Adam's bias corrections folded into a step size and an ε (Kingma & Ba §2): lr·m̂/(√v̂+ε) equals
 * stepSize·m/(√v + epsHat) with stepSize = lr·√c2/c1 and epsHat = ε·√c2, c = 1 − β^t.
 */
export function biasCorrection(t: number, beta1: number, beta2: number, epsilon: number): { scale: number; epsHat: number } {
  const c1 = 1 - Math.pow(beta1, t);
  const root = Math.sqrt(1 - Math.pow(beta2, t));
  return { scale: root / c1, epsHat: epsilon * root };
}

/** Group indices kept at most (each is one int32 per parameter); more groupings than this never occur in practice. */
const MAX_GROUPINGS = 8;

export class AdamW {
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  /** Every variable's moments live in two flat [P] variables, so an update is ~20 kernels, not ~13 per variable. */
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  private readonly decayMask: tf.Tensor1D;
  private readonly sizes: number[];
  private readonly offsets: number[];
  private readonly total: number;
  /**
   * Rows of the flat vector viewed as [total / width, width] that hold each variable. The new values
   * are cut out by gathering these rows, not by split: tfjs-backend-wasm's Slice copies its whole
   * input on every call, so a 50-way split of the flat vector copied it 50 times (~30 ms/step).
   */
  private readonly rowWidth: number;
  private readonly rows: tf.Tensor1D[];
  /** Masks of the variables that received gradients, per pattern (few patterns occur: λ on/off). */
  private readonly activeMasks = new Map<string, tf.Tensor1D>();
  /** Adam's t of each variable: the updates it has received. */
  private readonly counts: number[];
  /**
   * While the updated variables' counts differ, their bias corrections reach the elements through a
   * gather from a few-entry table: this maps each element to its entry, per grouping of the variables
   * (few groupings occur, and they last: a branch frozen once stays behind until its corrections
   * round to those of the rest).
   */
  private readonly groupIndex = new Map<string, tf.Tensor1D>();

  constructor(
    private readonly vars: NamedVariable[],
    private readonly options: AdamWOptions,
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.sizes = vars.map((p) => p.variable.size);
    this.counts = vars.map(() => 0);
    this.offsets = [];
    let offset = 0;
    for (const size of this.sizes) {
      this.offsets.push(offset);
      offset += size;
    }
    this.total = offset;
    this.m = tf.variable(tf.zeros([this.total]), false);
    this.v = tf.variable(tf.zeros([this.total]), false);
    this.decayMask = this.flatMask(vars.map((p) => p.decay));
    // Every offset is a sum of sizes, so the gcd of the sizes divides offsets and sizes alike.
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    this.rowWidth = this.sizes.reduce(gcd, 0) || 1;
    this.rows = this.sizes.map((size, i) => {
      const first = this.offsets[i] / this.rowWidth;
      return tf.tensor1d(
        Int32Array.from({ length: size / this.rowWidth }, (_, r) => first + r),
        'int32',
      );
    });
  }

  private flatMask(flags: boolean[]): tf.Tensor1D {
    const values = new Float32Array(this.total);
    flags.forEach((on, i) => {
      if (on) values.fill(1, this.offsets[i], this.offsets[i] + this.sizes[i]);
    });
    return tf.tensor1d(values);
  }

  /** Adam's t of each variable, in the order of the variables. */
  get stepCounts(): number[] {
    return this.counts.slice();
  }

  /** Learning rate used at the run's step `step` (1-based: the update being made) for base rate lr. */
  effectiveLr(lr: number, step: number): number {
    const warm = this.options.warmupSteps;
    return warm > 0 ? lr * Math.min(1, step / warm) : lr;
  }

  /**
   * Step size and ε̂ per element as tensors when the updated variables' bias corrections differ, as
   * numbers when they agree (the usual case: every variable updated at every step). Equal float32
   * values count as equal, so groups merge again once the corrections have converged to 1.
   */
  private stepSizes(
    present: boolean[],
    counts: readonly number[],
    lrT: number,
  ): { stepSize: number | tf.Tensor1D; epsHat: number | tf.Tensor1D } {
    const scales: number[] = [];
    const epsHats: number[] = [];
    const keys = new Map<string, number>();
    const groupOf = counts.map((t, i) => {
      if (!present[i]) return 0; // skipped: its new values are discarded, any entry will do
      const { scale, epsHat } = biasCorrection(t, this.beta1, this.beta2, this.epsilon);
      const key = `${Math.fround(lrT * scale)}/${Math.fround(epsHat)}`;
      let group = keys.get(key);
      if (group === undefined) {
        group = scales.length;
        keys.set(key, group);
        scales.push(lrT * scale);
        epsHats.push(epsHat);
      }
      return group;
    });
    if (scales.length === 1) return { stepSize: scales[0], epsHat: epsHats[0] };
    const key = groupOf.join(',');
    let index = this.groupIndex.get(key);
    if (!index) {
      if (this.groupIndex.size >= MAX_GROUPINGS) this.forgetGroupings();
      const values = new Int32Array(this.total);
      groupOf.forEach((group, i) => values.fill(group, this.offsets[i], this.offsets[i] + this.sizes[i]));
      // Kept: this runs inside apply's tidy, and the index serves later steps too.
      index = tf.keep(tf.tensor1d(values, 'int32'));
      this.groupIndex.set(key, index);
    }
    return { stepSize: tf.gather(tf.tensor1d(scales), index), epsHat: tf.gather(tf.tensor1d(epsHats), index) };
  }

  /**
   * One update at the run's step `step` (1-based). grads[i] belongs to vars[i]. A variable without a
   * gradient (not on this step's loss path, e.g. the generative head when λ_gen = 0) is skipped
   * entirely, as PyTorch does for grad=None: no decay, no moment update, no step count, so a
   * switched-off branch stays frozen and resumes where it stopped.
   */
  apply(grads: (tf.Tensor | undefined)[], lr: number, step: number): void {
    const present = grads.map((g) => g !== undefined);
    if (!present.includes(true)) return;
    // Committed with the new values below: an update that throws leaves every count, moment and weight
    // as it was, so a retried step is the step a sibling run takes.
    const counts = this.counts.map((t, i) => (present[i] ? t + 1 : t));
    const lrT = this.effectiveLr(lr, step);
    if (runsFused('adamw', () => adamwNeeds(this.total * 4))) {
      this.applyFused(grads, counts, lrT);
      counts.forEach((t, i) => (this.counts[i] = t));
      return;
    }
    const partial = present.includes(false);
    const key = present.map((p) => (p ? 1 : 0)).join('');
    // Kept: apply() usually runs inside the caller's tidy, and the mask must outlive this step.
    if (partial && !this.activeMasks.has(key)) this.activeMasks.set(key, tf.keep(tf.tidy(() => tf.cast(this.flatMask(present), 'bool'))));
    tf.tidy(() => {
      const { stepSize, epsHat } = this.stepSizes(present, counts, lrT);
      // Every reshape is a kernel dispatch (~40 µs on wasm): 1-D tensors go in as they are.
      const flat = (ts: tf.Tensor[]) => tf.concat(ts.map((t) => (t.rank === 1 ? t : tf.reshape(t, [-1]))));
      const g = flat(grads.map((grad, i) => grad ?? tf.zeros(this.vars[i].variable.shape)));
      const p = flat(this.vars.map((x) => x.variable));
      let m: tf.Tensor = tf.add(tf.mul(this.m, this.beta1), tf.mul(g, 1 - this.beta1));
      let v: tf.Tensor = tf.add(tf.mul(this.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      const decayed = tf.mul(p, tf.sub(1, tf.mul(this.decayMask, lrT * this.options.weightDecay)));
      let next: tf.Tensor = tf.sub(decayed, tf.mul(tf.div(m, tf.add(tf.sqrt(v), epsHat)), stepSize));
      if (partial) {
        const active = this.activeMasks.get(key) as tf.Tensor1D;
        m = tf.where(active, m, this.m);
        v = tf.where(active, v, this.v);
        next = tf.where(active, next, p);
      }
      const table = tf.reshape(next, [this.total / this.rowWidth, this.rowWidth]);
      const values = this.vars.map((x, i) => (present[i] ? tf.reshape(tf.gather(table, this.rows[i]), x.variable.shape) : null));
      this.m.assign(m);
      this.v.assign(v);
      this.vars.forEach((x, i) => {
        const value = values[i];
        if (value) x.variable.assign(value);
      });
    });
    counts.forEach((t, i) => (this.counts[i] = t));
  }

  /**
   * The same update by the fused WebGPU kernel (webgpu/adamw.ts): every variable with a gradient, with
   * its own bias corrections, in as few dispatches as the device's storage-buffer limit allows.
   */
  private applyFused(grads: (tf.Tensor | undefined)[], counts: readonly number[], lrT: number): void {
    const slots: AdamWSlot[] = [];
    grads.forEach((grad, i) => {
      if (!grad) return;
      const { scale, epsHat } = biasCorrection(counts[i], this.beta1, this.beta2, this.epsilon);
      // 1 − lr·wd as the tfjs-op path computes it in float32.
      const decay = this.vars[i].decay ? Math.fround(1 - Math.fround(lrT * this.options.weightDecay)) : 1;
      slots.push({ param: this.vars[i].variable, grad, offset: this.offsets[i], stepSize: lrT * scale, epsHat, decay });
    });
    adamwFused(slots, this.m, this.v, this.beta1, this.beta2);
  }

  /** Per variable, in order: its moments `<name>/m`, `<name>/v` and its step count `<name>/t` ([1]). */
  async exportState(): Promise<NamedArray[]> {
    const [m, v] = [await this.m.data(), await this.v.data()];
    const out: NamedArray[] = [];
    this.vars.forEach(({ name, variable }, i) => {
      const range = [this.offsets[i], this.offsets[i] + this.sizes[i]] as const;
      out.push({ name: `${name}/m`, shape: variable.shape.slice(), values: copyOf(m.subarray(...range)) });
      out.push({ name: `${name}/v`, shape: variable.shape.slice(), values: copyOf(v.subarray(...range)) });
      out.push({ name: `${name}/${STEP_COUNT_SUFFIX}`, shape: [1], values: Float32Array.of(this.counts[i]) });
    });
    return out;
  }

  importState(state: NamedArray[]): void {
    const byName = new Map(state.map((s) => [s.name, s]));
    if (byName.has('adamw/t') && !byName.has(`${this.vars[0]?.name}/${STEP_COUNT_SUFFIX}`))
      throw new Error('optimizer state has one step count for all variables (adamw/t): migrate it to one per variable first');
    const m = new Float32Array(this.total);
    const v = new Float32Array(this.total);
    const counts: number[] = [];
    this.vars.forEach(({ name }, i) => {
      for (const [suffix, target] of [
        ['m', m],
        ['v', v],
      ] as const) {
        const entry = byName.get(`${name}/${suffix}`);
        if (!entry || entry.values.length !== this.sizes[i])
          throw new Error(`optimizer state for ${name}/${suffix} is missing or misshapen`);
        target.set(entry.values, this.offsets[i]);
      }
      const countName = `${name}/${STEP_COUNT_SUFFIX}`;
      const count = byName.get(countName);
      if (!count || count.values.length !== 1) throw new Error(`optimizer state: ${countName} is missing or misshapen`);
      const t = count.values[0];
      if (!Number.isInteger(t) || t < 0) throw new Error(`optimizer state: ${countName} = ${t} is not a step count`);
      counts.push(t);
    });
    counts.forEach((t, i) => (this.counts[i] = t));
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(m));
      this.v.assign(tf.tensor1d(v));
    });
  }

  private forgetGroupings(): void {
    tf.dispose([...this.groupIndex.values()]);
    this.groupIndex.clear();
  }

  dispose(): void {
    tf.dispose([this.m, this.v, this.decayMask, ...this.rows, ...this.activeMasks.values()]);
    this.activeMasks.clear();
    this.forgetGroupings();
  }
}
