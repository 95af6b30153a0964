// Shared helpers for the model's Vitest suites (Node, tfjs cpu backend). Not imported by app code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig, TrainConfig } from '../config';

/** Selects the deterministic pure-JS backend; call from beforeAll. */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

export interface NtXentCase {
  tau: number;
  z1: number[][];
  z2: number[][];
  loss: number;
  positive_top1: number;
}
export interface DmolCase {
  name: string;
  x: unknown;
  logit_probs: unknown;
  means: unknown;
  log_scales: unknown;
  nll_nats_total: number;
  bits_per_dim: number;
}

/** The reference vectors of docs/model.md#reference-values (../shared/reference, beside the checkout). */
export function loadReference(): { nt_xent: NtXentCase[]; dmol: DmolCase[] } {
  const file = path.resolve(__dirname, '../../../shared/reference/loss_vectors.json');
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** A model small enough for finite differences and per-step CPU tests. */
export const MICRO_MODEL: ModelConfig = { imageSize: 8, patch: 4, dim: 16, heads: 2, encLayers: 1, decLayers: 1, mixtures: 2, projDim: 8 };
export const MICRO_TRAIN: TrainConfig = { batch: 4, warmupSteps: 2, weightDecay: 0.05, seed: 7 };

/** Deterministic pseudo-images [n,S,S,3] with integer values 0..255 (smooth gradients + noise). */
export function fakeImages(n: number, size: number, seed = 1): tf.Tensor4D {
  const values = new Float32Array(n * size * size * 3);
  let s = seed >>> 0;
  for (let i = 0; i < values.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const pixel = Math.floor(i / 3) % (size * size);
    const base = ((pixel % size) * 13 + Math.floor(pixel / size) * 7 + (i % 3) * 50 + Math.floor(i / (size * size * 3)) * 31) % 200;
    values[i] = Math.min(255, base + (s >>> 26));
  }
  return tf.tensor4d(values, [n, size, size, 3]);
}
