// AdamW by hand (tfjs's Adam has no decoupled weight decay and its state is awkward to export
// exactly). Decoupled decay as in PyTorch's AdamW: p ← p − lr·(m̂/(√v̂+ε) + wd·p), applied only to
// variables flagged `decay` (matrices of linear layers; not LayerNorm gains/biases, biases, the
// start token or position embeddings). The learning rate arrives per step because it is a live
// control; the linear warm-up multiplies it by min(1, t / warmupSteps).
import * as tf from '@tensorflow/tfjs';
import type { NamedVariable } from './params';

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
  /** Number of updates applied so far (Adam's t). */
  private t = 0;

  constructor(
    private readonly vars: NamedVariable[],
    private readonly options: AdamWOptions,
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.sizes = vars.map((p) => p.variable.size);
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

  get updates(): number {
    return this.t;
  }

  /** Learning rate actually used at update number t (1-based) for base rate lr. */
  effectiveLr(lr: number, t = this.t + 1): number {
    const warm = this.options.warmupSteps;
    return warm > 0 ? lr * Math.min(1, t / warm) : lr;
  }

  /**
   * One update. grads[i] belongs to vars[i]. A variable without a gradient (not on this step's loss
   * path, e.g. the generative head when λ_gen = 0) is skipped entirely, as PyTorch does for grad=None:
   * no decay, no moment update, so a switched-off branch stays frozen.
   */
  apply(grads: (tf.Tensor | undefined)[], lr: number): void {
    this.t += 1;
    const lrT = this.effectiveLr(lr, this.t);
    // Bias corrections are host scalars folded into one step size, as in Kingma & Ba §2.
    const c1 = 1 - Math.pow(this.beta1, this.t);
    const c2 = 1 - Math.pow(this.beta2, this.t);
    const stepSize = (lrT * Math.sqrt(c2)) / c1;
    const epsHat = this.epsilon * Math.sqrt(c2);
    const present = grads.map((g) => g !== undefined);
    const partial = present.includes(false);
    const key = present.map((p) => (p ? 1 : 0)).join('');
    // Kept: apply() usually runs inside the caller's tidy, and the mask must outlive this step.
    if (partial && !this.activeMasks.has(key)) this.activeMasks.set(key, tf.keep(tf.tidy(() => tf.cast(this.flatMask(present), 'bool'))));
    tf.tidy(() => {
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
      this.m.assign(m);
      this.v.assign(v);
      const table = tf.reshape(next, [this.total / this.rowWidth, this.rowWidth]);
      this.vars.forEach((x, i) => {
        if (present[i]) x.variable.assign(tf.reshape(tf.gather(table, this.rows[i]), x.variable.shape));
      });
    });
  }

  /** Moments per variable as named float arrays, plus t as a [1] array named "adamw/t". */
  async exportState(): Promise<NamedArray[]> {
    const [m, v] = [await this.m.data(), await this.v.data()];
    const out: NamedArray[] = [{ name: 'adamw/t', shape: [1], values: Float32Array.of(this.t) }];
    this.vars.forEach(({ name, variable }, i) => {
      const range = [this.offsets[i], this.offsets[i] + this.sizes[i]] as const;
      out.push({ name: `${name}/m`, shape: variable.shape.slice(), values: copyOf(m.subarray(...range)) });
      out.push({ name: `${name}/v`, shape: variable.shape.slice(), values: copyOf(v.subarray(...range)) });
    });
    return out;
  }

  importState(state: NamedArray[]): void {
    const byName = new Map(state.map((s) => [s.name, s]));
    const t = byName.get('adamw/t');
    if (!t) throw new Error('optimizer state lacks adamw/t');
    const m = new Float32Array(this.total);
    const v = new Float32Array(this.total);
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
    });
    this.t = t.values[0];
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(m));
      this.v.assign(tf.tensor1d(v));
    });
  }

  dispose(): void {
    tf.dispose([this.m, this.v, this.decayMask, ...this.rows, ...this.activeMasks.values()]);
    this.activeMasks.clear();
  }
}
