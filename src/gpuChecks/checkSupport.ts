// Shared pieces of the GPU checks: inputs, the check type, and the tidy wrapper.
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import { seeded, type CheckResult } from './compare';

export interface KernelCheck {
  name: string;
  run(): Promise<CheckResult>;
}

export type T1 = tf.Tensor1D;
export type T2 = tf.Tensor2D;

/** A model small enough for SwiftShader, with widths that are not multiples of the workgroup sizes. */
export const CHECK_MODEL: ModelConfig = { imageSize: 8, patch: 2, dim: 24, heads: 3, encLayers: 1, decLayers: 1, mixtures: 3, projDim: 8 };

export function checkImages(n: number, size: number, seed: number): tf.Tensor4D {
  return tf.round(seeded([n, size, size, 3], seed, 0, 255)) as tf.Tensor4D;
}

export function normInputs(rows: number, d: number): [T2, T1, T1] {
  return [seeded([rows, d], 1, -3, 3) as T2, seeded([d], 2, 0.5, 1.5) as T1, seeded([d], 3) as T1];
}

/** Runs a check and disposes its inputs whatever happens. */
export async function withInputs(inputs: tf.Tensor[], body: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await body();
  } finally {
    tf.dispose(inputs);
  }
}
