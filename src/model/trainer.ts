// The training façade the worker drives: one HybridModel, its AdamW, and the step of docs/model.md.
// A step is the losses, then the update: ONE encoder pass over [clean | view1 | view2] (3B images), the
// decoder over the clean rows only, and one backward pass for L = λcon·Lcon + λgen·Lgen.
import * as tf from '@tensorflow/tfjs';
import type { HyperParams, ModelConfig, TrainConfig } from '../config';
import { cleanView, stepImages, type StepImages } from './augment';
import { contrastiveLoss } from './contrastive';
import { natsToBitsPerDim } from './losses';
import { HybridModel, patchify } from './model';
import { AdamW, copyOf, type NamedArray } from './optimizer';
import { sampleImages } from './sample';

// A type alias, not an interface, so it is assignable to tf.TensorContainer (callers may wrap
// trainStep in tf.tidy): interfaces carry no implicit index signature.
export type StepOutputs = { total: tf.Scalar; con: tf.Scalar; bpd: tf.Scalar; conTop1: tf.Scalar };
/** L_gen in bits/dim, L_con and its positive-pair top-1; null where the step does not compute one. */
export type StepLosses = { gen: tf.Scalar | null; con: tf.Scalar | null; top1: tf.Scalar | null };
export interface TrainerState {
  step: number;
  weights: NamedArray[];
  optimizer: NamedArray[];
}

export class HybridTrainer {
  readonly model: HybridModel;
  private readonly optimizer: AdamW;
  private stepCount = 0;

  constructor(
    model: ModelConfig,
    private readonly train: TrainConfig,
  ) {
    this.model = new HybridModel(model, train.seed);
    this.optimizer = new AdamW(this.model.variables, { weightDecay: train.weightDecay, warmupSteps: train.warmupSteps });
  }

  /** Steps taken so far; the next step's augmentation is seeded by (seed, step). */
  get step(): number {
    return this.stepCount;
  }

  /**
   * One optimiser step on images [B,S,S,3] (0..255): the losses, then the update. Returned scalars
   * belong to the caller.
   * - λcon = 0: no views are made or encoded; con and conTop1 are NaN.
   * - λgen = 0: the decoder is not on the gradient path; bpd of the clean batch is still reported,
   *   from a separate forward pass without gradient (one extra encoder+decoder pass over B images),
   *   under the weights before the update, like every loss the step reports.
   * - both 0: no update (weights and optimizer state untouched), bpd reported, total = 0; the step
   *   counter still advances so the augmentation stream stays aligned with the caller's steps.
   */
  trainStep(images: tf.Tensor4D, hyper: HyperParams): StepOutputs {
    const step = this.stepCount;
    const { seed } = this.train;
    const useCon = hyper.lambdaCon > 0;
    const useGen = hyper.lambdaGen > 0;
    // Kept past the tidy for the report; a step that fails leaves nobody to read them.
    let parts: StepLosses = { gen: null, con: null, top1: null };
    let out: StepOutputs;
    try {
      out = tf.tidy(() => {
        // [clean | view 1 | view 2] rows and the clean patches (the generative targets): one kernel on webgpu.
        const prepared = stepImages(images, seed, step, this.model.dims.patch, { clean: useGen, views: useCon });
        // Without L_gen the reported bits/dim is a pass of its own, made before the update so that it
        // measures the same weights as L_gen does when it is on.
        const bpdWithoutGen = useGen ? null : (tf.mean(this.bitsPerDimOf(cleanView(images, seed, step))) as tf.Scalar);
        const objective = (): tf.Scalar => {
          // Kept: the gradient computation frees everything its objective makes except the value.
          const { gen, con, top1 } = this.losses(prepared, hyper.tau);
          parts = { gen: gen && tf.keep(gen), con: con && tf.keep(con), top1: top1 && tf.keep(top1) };
          // L = λcon·Lcon + λgen·Lgen
          let total: tf.Scalar = tf.scalar(0);
          if (gen) total = tf.add(total, tf.mul(gen, hyper.lambdaGen));
          if (con) total = tf.add(total, tf.mul(con, hyper.lambdaCon));
          return total;
        };
        const total = useCon || useGen ? this.update(objective, hyper.lr, step + 1) : tf.scalar(0);
        const nan = () => tf.scalar(Number.NaN);
        return {
          total,
          con: parts.con ?? nan(),
          bpd: parts.gen ?? (bpdWithoutGen as tf.Scalar),
          conTop1: parts.top1 ?? nan(),
        };
      });
    } catch (error) {
      tf.dispose([parts.gen, parts.con, parts.top1].filter((kept): kept is tf.Scalar => kept !== null));
      throw error;
    }
    this.stepCount += 1;
    return out;
  }

  /**
   * The step's losses from ONE encoder pass over [clean | view1 | view2] (docs/model.md#objective),
   * the rows stepImages prepared: gen = L_gen, the clean batch's bits/dim under the decoder (null
   * without clean rows); con = L_con, NT-Xent over the 2B views at temperature `tau`, and top1 its
   * positive-pair top-1 accuracy (both null without views). Tensor code for the caller's tidy or
   * gradient closure.
   */
  losses({ input, cleanPatches, batch: b, withViews }: StepImages, tau: number): StepLosses {
    const model = this.model;
    const { tokens, dim } = model.dims;
    if (!input) return { gen: null, con: null, top1: null };
    const encoded = model.encode(input); // [(B or 3B)·T, d]
    let gen: tf.Scalar | null = null;
    if (cleanPatches) {
      const cleanEncoded = tf.slice(encoded, [0, 0], [b * tokens, dim]); // [B·T, d]
      const nats = model.nllNats(model.decode(cleanEncoded, b), cleanPatches); // [B]
      gen = natsToBitsPerDim(tf.mean(nats) as tf.Scalar, model.subPixels);
    }
    if (!withViews) return { gen, con: null, top1: null };
    // ntXent(project(representation(·))) of the view rows [2B·T, d], which follow the clean rows, as
    // one op with a hand-written gradient (contrastive.ts).
    const { repNorm, headFc1: fc1, headFc2: fc2 } = model.params;
    const viewsFrom = (cleanPatches ? b : 0) * tokens;
    const { loss, positiveTop1 } = contrastiveLoss(encoded, { repNorm, fc1, fc2 }, 2 * b, tokens, tau, viewsFrom);
    return { gen, con: loss, top1: positiveTop1 };
  }

  /**
   * One AdamW update of every weight along the gradient of `objective` at the run's step `step`
   * (1-based: the update being made); returns the objective's value.
   */
  private update(objective: () => tf.Scalar, lr: number, step: number): tf.Scalar {
    const vars = this.model.variables.map((v) => v.variable);
    const { value, grads } = tf.variableGrads(objective, vars);
    this.optimizer.apply(
      vars.map((v) => grads[v.name] ?? undefined),
      lr,
      step,
    );
    return value;
  }

  private bitsPerDimOf(images: tf.Tensor4D): tf.Tensor1D {
    const b = images.shape[0];
    const nats = this.model.nllNats(
      this.model.decode(this.model.encode(images), b),
      patchify(tf.round(images) as tf.Tensor4D, this.model.dims),
    );
    return natsToBitsPerDim(nats, this.model.subPixels);
  }

  /** r(x) for images [n,S,S,3] (0..255), no augmentation: [n, d]. Batch it on the caller's side. */
  represent(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.model.representation(this.model.encode(images), images.shape[0]));
  }

  /** Exact bits/dim of each image [n] under the model. */
  bitsPerDim(images: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => this.bitsPerDimOf(images));
  }

  sample(count: number, temperature: number, seed: number, prefix?: { images: tf.Tensor4D; keepPatches: number }): tf.Tensor4D {
    return sampleImages(this.model, count, temperature, seed, prefix);
  }

  async exportState(): Promise<TrainerState> {
    const weights: NamedArray[] = [];
    for (const { name, variable } of this.model.variables) {
      weights.push({ name, shape: variable.shape.slice(), values: copyOf(await variable.data()) });
    }
    return { step: this.stepCount, weights, optimizer: await this.optimizer.exportState() };
  }

  /** Restores weights, optimizer state and step; throws on a missing or misshapen tensor. */
  importState(state: TrainerState): void {
    const byName = new Map(state.weights.map((w) => [w.name, w]));
    for (const { name, variable } of this.model.variables) {
      const entry = byName.get(name);
      if (!entry || entry.values.length !== variable.size) throw new Error(`weights for ${name} are missing or misshapen`);
      tf.tidy(() => variable.assign(tf.tensor(entry.values, variable.shape, 'float32')));
    }
    this.optimizer.importState(state.optimizer);
    this.stepCount = state.step;
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}
