// The training façade the worker drives: one HybridModel, its AdamW, and the step of DESIGN §1.
// A step runs ONE encoder pass over [clean | view1 | view2] (3B images), the decoder over the clean
// rows only, and one backward pass for L = λcon·Lcon + λgen·Lgen.
import * as tf from '@tensorflow/tfjs';
import type { HyperParams, ModelConfig, TrainConfig } from '../config';
import { cleanView, stepImages } from './augment';
import { contrastiveLoss } from './contrastive';
import { natsToBitsPerDim } from './losses';
import { HybridModel, patchify } from './model';
import { AdamW, copyOf, type NamedArray } from './optimizer';
import { sampleImages } from './sample';

// A type alias, not an interface, so it is assignable to tf.TensorContainer (callers may wrap
// trainStep in tf.tidy): interfaces carry no implicit index signature.
export type StepOutputs = { total: tf.Scalar; con: tf.Scalar; bpd: tf.Scalar; conTop1: tf.Scalar };
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
   * One optimiser step on images [B,S,S,3] (0..255). Returned scalars belong to the caller.
   * - λcon = 0: no views are made or encoded; con and conTop1 are NaN.
   * - λgen = 0: the decoder is not on the gradient path; bpd of the clean batch is still reported,
   *   from a separate forward pass without gradient (one extra encoder+decoder pass over B images).
   * - both 0: no update (weights and optimizer state untouched), bpd reported, total = 0; the step
   *   counter still advances so the augmentation stream stays aligned with the caller's steps.
   */
  trainStep(images: tf.Tensor4D, hyper: HyperParams): StepOutputs {
    const step = this.stepCount;
    const { seed } = this.train;
    const useCon = hyper.lambdaCon > 0;
    const useGen = hyper.lambdaGen > 0;
    const b = images.shape[0];
    const model = this.model;
    const out = tf.tidy(() => {
      // [clean | view 1 | view 2] rows for one encoder pass, and the clean images' patches (the
      // generative targets): one kernel on webgpu.
      const prepared = useCon || useGen ? stepImages(images, seed, step, model.dims.patch, { clean: useGen, views: useCon }) : null;
      const nan = () => tf.scalar(Number.NaN);
      let con: tf.Scalar = nan();
      let conTop1: tf.Scalar = nan();
      let bpd: tf.Scalar | null = null;
      const loss = (): tf.Scalar => {
        const { input, cleanPatches } = prepared as NonNullable<typeof prepared>;
        const encoded = model.encode(input);
        const tokens = model.dims.tokens;
        let total: tf.Scalar = tf.scalar(0);
        const genRows = useGen ? b : 0;
        if (useGen) {
          const cleanEncoded = tf.slice(encoded, [0, 0], [b * tokens, model.dims.dim]);
          const nats = model.nllNats(model.decode(cleanEncoded, b), cleanPatches as tf.Tensor3D);
          const gen = natsToBitsPerDim(tf.mean(nats) as tf.Scalar, model.subPixels);
          bpd = tf.keep(gen);
          total = tf.add(total, tf.mul(gen, hyper.lambdaGen));
        }
        if (useCon) {
          // ntXent(project(representation(·))) of the view rows, which start after the clean images'
          // rows, as one op with a hand-written gradient (contrastive.ts).
          const { repNorm, headFc1: fc1, headFc2: fc2 } = model.params;
          const result = contrastiveLoss(encoded, { repNorm, fc1, fc2 }, 2 * b, tokens, hyper.tau, genRows * tokens);
          con.dispose();
          conTop1.dispose();
          con = tf.keep(result.loss);
          conTop1 = tf.keep(result.positiveTop1);
          total = tf.add(total, tf.mul(result.loss, hyper.lambdaCon));
        }
        return total;
      };
      let total: tf.Scalar;
      if (useCon || useGen) {
        const vars = model.variables.map((v) => v.variable);
        const { value, grads } = tf.variableGrads(loss, vars);
        this.optimizer.apply(
          vars.map((v) => grads[v.name] ?? undefined),
          hyper.lr,
        );
        total = value;
      } else {
        total = tf.scalar(0);
      }
      // Reported bpd when λgen = 0: the clean batch's, outside the gradient.
      const reportedBpd: tf.Scalar = bpd ?? (tf.mean(this.bitsPerDimOf(cleanView(images, seed, step))) as tf.Scalar);
      return { total, con, bpd: reportedBpd, conTop1 };
    });
    this.stepCount += 1;
    return out;
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
