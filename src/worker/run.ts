// One training run inside the worker: its trainer, its data stream and its live hyperparameters.

import * as tf from '@tensorflow/tfjs';
import type { HyperParams, RunConfig } from '../config';
import type { RunStatus, StepMetrics } from '../runTypes';
import { Batcher, type BatcherState } from '../data/batcher';
import type { ImageSet } from '../data/store';
import { readStepOutputs } from '../model/readout';
import { HybridTrainer, type StepOutputs, type TrainerState } from '../model/trainer';

export interface StepReport {
  step: number;
  metrics: StepMetrics;
  hyper: HyperParams;
}

/** Everything that decides a run's future steps: what a fork copies. */
export interface RunCheckpoint {
  trainer: TrainerState;
  batcher: BatcherState;
  hyper: HyperParams;
}

export class TrainingRun {
  readonly id: string;
  readonly config: RunConfig;
  status: RunStatus = 'idle';
  private hyper: HyperParams;
  /** Public for the live views (represent, sample); only the worker ever holds a TrainingRun. */
  readonly trainer: HybridTrainer;
  private readonly batcher: Batcher;

  constructor(id: string, config: RunConfig, train: ImageSet) {
    if (train.size !== config.model.imageSize) {
      throw new Error(`dataset images are ${train.size}px but the model expects ${config.model.imageSize}px`);
    }
    if (train.count < config.train.batch) {
      throw new Error(`the dataset has ${train.count} training images, fewer than one batch of ${config.train.batch}`);
    }
    this.id = id;
    this.config = config;
    this.hyper = { ...config.hyper };
    this.trainer = new HybridTrainer(config.model, config.train);
    this.batcher = new Batcher(train, config.train.batch, config.train.seed);
  }

  get step(): number {
    return this.trainer.step;
  }

  /** The hyperparameters the next step will use. */
  get currentHyper(): HyperParams {
    return { ...this.hyper };
  }

  /** Call under the device lock: the export awaits reads, and a step in between would mix two steps. */
  async exportCheckpoint(): Promise<RunCheckpoint> {
    return { trainer: await this.trainer.exportState(), batcher: this.batcher.getState(), hyper: { ...this.hyper } };
  }

  /** Weights, optimiser state, step, data position and hyperparameters, exactly. */
  importCheckpoint(checkpoint: RunCheckpoint): void {
    this.trainer.importState(checkpoint.trainer);
    this.batcher.setState(checkpoint.batcher);
    this.hyper = { ...checkpoint.hyper };
  }

  /** Takes effect at the next step; nothing is rebuilt. */
  setHyper(patch: Partial<HyperParams>): void {
    this.hyper = { ...this.hyper, ...patch };
  }

  /**
   * Records one optimiser step on the device and returns its report's promise: the batch upload and
   * every kernel are encoded before this returns, and the four scalars shown in the UI come back in
   * one asynchronous readback (model/readout.ts). Nothing here waits for the device, so the caller
   * can record the next step while this one's readout is in flight (scheduler.ts).
   */
  startStep(): Promise<StepReport> {
    const hyper = { ...this.hyper };
    // The batch and the trainer's step (which seeds the views) advance together or not at all: a step
    // that throws before the trainer commits it gives its batch back, so the run stays in lock-step
    // with its same-seed siblings when it resumes.
    const position = this.batcher.getState();
    const { pixels } = this.batcher.next();
    const { batch } = this.config.train;
    const size = this.config.model.imageSize;
    const started = performance.now();
    let outputs: StepOutputs;
    try {
      outputs = tf.tidy(() => {
        const images = tf.tensor4d(pixels, [batch, size, size, 3], 'int32').toFloat();
        return this.trainer.trainStep(images as tf.Tensor4D, hyper);
      });
    } catch (error) {
      this.batcher.setState(position);
      throw error;
    }
    const step = this.trainer.step;
    return readStepOutputs(outputs).then(({ total, con, bpd, conTop1 }) => {
      const msPerStep = performance.now() - started;
      return {
        step,
        hyper,
        metrics: { lossTotal: total, lossCon: con, bitsPerDim: bpd, conTop1, msPerStep, imagesPerSec: (batch * 1000) / msPerStep },
      };
    });
  }

  /** One optimiser step, its report once its scalars are read back; a step that fails rejects. */
  async trainOneStep(): Promise<StepReport> {
    return this.startStep();
  }

  dispose(): void {
    this.trainer.dispose();
  }
}
