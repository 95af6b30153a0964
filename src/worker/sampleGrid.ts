// The sample grid of the live views: unconditional samples and completions of held-out probe images
// (top half kept, bottom half sampled, as Image GPT shows them), as plain RGB bytes ready to transfer.

import * as tf from '@tensorflow/tfjs';
import type { HybridTrainer } from '../model/trainer';
import { hashSeed } from '../model/rng';
import type { SampleGrid } from '../viewTypes';
import type { ProbeSet } from './probeSet';

export interface SampleRequest {
  unconditional: number;
  completions: number;
  temperature: number;
  seed: number;
}

/** Probe images the completions continue: evenly spread over the probe set, so over its classes. */
export function completionSources(probeCount: number, count: number): Int32Array {
  const n = Math.max(0, Math.min(count, probeCount));
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor((i * probeCount) / n);
  return out;
}

/** Whole rows of patches make up the kept top half (rounded down when the grid is odd). */
export function keptPatchRows(imageSize: number, patch: number): number {
  return Math.floor(imageSize / patch / 2);
}

async function toBytes(images: tf.Tensor4D): Promise<Uint8Array> {
  try {
    // sample() returns integer-valued floats in 0..255; Uint8Array.from would wrap, so clamp first.
    const values = await images.data();
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(values[i])));
    return out;
  } finally {
    images.dispose();
  }
}

export async function generateSamples(trainer: HybridTrainer, probe: ProbeSet, request: SampleRequest): Promise<SampleGrid> {
  const started = performance.now();
  const { imageSize: size, patch } = trainer.model.config;
  if (probe.size !== size) throw new Error(`probe images are ${probe.size}px but the model samples ${size}px`);
  const per = size * size * 3;
  const unconditionalCount = Math.max(0, Math.floor(request.unconditional));
  const unconditional =
    unconditionalCount > 0
      ? await toBytes(trainer.sample(unconditionalCount, request.temperature, hashSeed(request.seed, 1)))
      : new Uint8Array(0);

  const sources = completionSources(probe.count, Math.floor(request.completions));
  const rows = keptPatchRows(size, patch);
  const grid = size / patch;
  let completions: Uint8Array = new Uint8Array(0);
  if (sources.length > 0) {
    const given = new Float32Array(sources.length * per);
    sources.forEach((src, i) => given.set(probe.pixels.subarray(src * per, (src + 1) * per), i * per));
    const prefix = tf.tensor4d(given, [sources.length, size, size, 3]);
    try {
      const done = trainer.sample(sources.length, request.temperature, hashSeed(request.seed, 2), {
        images: prefix,
        keepPatches: rows * grid,
      });
      completions = await toBytes(done);
    } finally {
      prefix.dispose();
    }
  }
  return {
    size,
    temperature: request.temperature,
    unconditional,
    unconditionalCount,
    completions,
    completionCount: sources.length,
    keptRows: rows * patch,
    completionSources: sources,
    ms: performance.now() - started,
  };
}
