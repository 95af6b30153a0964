// Ancestral sampling patch by patch (docs/model.md#sampling), unconditional or as completions.
// Each step runs the full fixed-length sequence (positions after t hold zeros and, by the causal
// mask, cannot influence position t): one shape for every step, so WebGPU's buffer pool, which keys
// buffers by exact size, is not flooded with a new size per step. Costs N forward passes.
import * as tf from '@tensorflow/tfjs';
import type { HybridModel, MixtureParams } from './model';
import { patchify, unpatchify } from './model';
import { Rng, hashSeed } from './rng';

/** Host uniforms in (0, 1) as a tensor (device RNGs differ between backends; this does not). */
function uniforms(rng: Rng, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.open01();
  return tf.tensor(values, shape, 'float32');
}

/**
 * Draws integer pixel values [B, n, D] from mixture params [B, n, D, M]. Temperature T divides the
 * component logits and multiplies the logistic scales; T ≤ 0 is greedy (most likely component's mean).
 */
export function sampleMixture(mix: MixtureParams, temperature: number, rng: Rng): tf.Tensor3D {
  return tf.tidy(() => {
    const shape = mix.logits.shape;
    const m = shape[3];
    const greedy = !(temperature > 0);
    let scores: tf.Tensor = mix.logits;
    if (!greedy) {
      // Gumbel-max: argmax(logits/T + Gumbel noise) is a draw from softmax(logits/T).
      const gumbel = tf.neg(tf.log(tf.neg(tf.log(uniforms(rng, shape)))));
      scores = tf.add(tf.div(mix.logits, temperature), gumbel);
    }
    const pick = tf.oneHot(tf.argMax(scores, -1), m) as tf.Tensor4D;
    const mean = tf.sum(tf.mul(pick, mix.means), -1);
    let x = mean;
    if (!greedy) {
      const logScale = tf.sum(tf.mul(pick, tf.maximum(mix.logScales, -7)), -1);
      const u = uniforms(rng, shape.slice(0, 3));
      const logistic = tf.sub(tf.log(u), tf.log(tf.sub(1, u)));
      x = tf.add(mean, tf.mul(tf.mul(tf.exp(logScale), temperature), logistic));
    }
    // Back from the [-1, 1] scale to the nearest of the 256 levels.
    return tf.clipByValue(tf.round(tf.mul(tf.add(x, 1), 127.5)), 0, 255) as tf.Tensor3D;
  });
}

export interface Prefix {
  images: tf.Tensor4D;
  keepPatches: number;
}

/** [count,S,S,3] integer-valued float32 images; a prefix keeps its first keepPatches patches exactly. */
export function sampleImages(model: HybridModel, count: number, temperature: number, seed: number, prefix?: Prefix): tf.Tensor4D {
  const { numPatches, patchDim } = model.dims;
  const keep = prefix ? Math.max(0, Math.min(numPatches, Math.floor(prefix.keepPatches))) : 0;
  if (prefix && prefix.images.shape[0] !== count) throw new Error(`prefix has ${prefix.images.shape[0]} images, asked for ${count}`);
  const rng = new Rng(hashSeed(seed, 0x5a3b1e));
  let patches: tf.Tensor3D = tf.tidy(() => {
    if (!prefix || keep === 0) return tf.zeros([count, numPatches, patchDim]) as tf.Tensor3D;
    const given = patchify(tf.clipByValue(tf.round(prefix.images), 0, 255) as tf.Tensor4D, model.dims);
    const keepMask = tf.tensor3d(
      Array.from({ length: numPatches }, (_, i) => (i < keep ? 1 : 0)),
      [1, numPatches, 1],
      'bool',
    );
    return tf.where(keepMask, given, tf.zerosLike(given)) as tf.Tensor3D;
  });
  for (let t = keep; t < numPatches; t++) {
    const next = tf.tidy(() => {
      const decoded = model.decode(model.encodePatches(patches), count);
      const values = sampleMixture(model.mixture(decoded, count, t, 1), temperature, rng); // [count, 1, D]
      const at = tf.tensor3d(
        Array.from({ length: numPatches }, (_, i) => (i === t ? 1 : 0)),
        [1, numPatches, 1],
        'bool',
      );
      return tf.where(at, values, patches) as tf.Tensor3D;
    });
    patches.dispose();
    patches = next;
  }
  const last = patches;
  const images = tf.tidy(() => unpatchify(last, model.dims));
  last.dispose();
  return images;
}
