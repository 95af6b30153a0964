// Images → token rows [B·T, d]: patches in raster order scaled to [-1, 1], a linear patch embedding,
// the learned start token in front, learned positions added (DESIGN §1 "Tokens"). On webgpu the
// non-matMul steps are kernels (webgpu/embed.ts) and the embedding is one op whose backward computes
// only what has a gradient: the images do not.
import * as tf from '@tensorflow/tfjs';
import { customOp, dense, denseForward, colSum } from './ops';
import type { Dims, HybridParams } from './params';
import { assembleTokensFused, assembleTokensGradFused, embedNeeds, patchRowsFused } from './webgpu/embed';
import { runsFused } from './webgpu/limits';

/** Images [B,S,S,3] → patches [B,N,P·P·3] in raster order, sub-pixels ordered (row, col, channel). */
export function patchify(images: tf.Tensor4D, dims: Dims): tf.Tensor3D {
  return patchesOf(images, dims.patch);
}

/** patchify for patch size p. */
export function patchesOf(images: tf.Tensor4D, p: number): tf.Tensor3D {
  const [b, s] = images.shape;
  const g = s / p;
  const split = tf.reshape(images, [b, g, p, g, p, 3]);
  return tf.reshape(tf.transpose(split, [0, 1, 3, 2, 4, 5]), [b, g * g, p * p * 3]);
}

/** Patches [B,N,D] of 0..255 → rows [B·N, D] in [-1, 1]. */
export function scalePatches(patches: tf.Tensor3D): tf.Tensor2D {
  const [b, n, d] = patches.shape;
  return tf.sub(tf.div(tf.reshape(patches, [b * n, d]), 127.5), 1) as tf.Tensor2D;
}

/** Images [B,S,S,3] of 0..255 → scaled patch rows [B·N, P·P·3] (one kernel on webgpu). */
export function scaledPatchRows(images: tf.Tensor4D, dims: Dims): tf.Tensor2D {
  if (runsFused('embed', () => embedNeeds(images.size * 4))) return patchRowsFused(images, dims.patch);
  return scalePatches(patchify(images, dims));
}

/** Scaled patch rows [B·N, P·P·3] → token rows [B·T, d]. */
export function embedTokens(scaled: tf.Tensor2D, params: HybridParams, dims: Dims): tf.Tensor2D {
  const { dim, numPatches, tokens } = dims;
  const b = scaled.shape[0] / numPatches;
  const { patchEmbed, start, pos } = params;
  if (runsFused('embed', () => embedNeeds(b * tokens * dim * 4))) {
    // The patch rows are not an input (nothing upstream needs their gradient), but they are saved:
    // tfjs disposes whatever the forward made and did not save before the backward runs.
    const op = customOp<[tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor2D]>((w, bias, first, positions, save) => {
      save([scaled, positions]);
      return {
        value: assembleTokensFused(denseForward(scaled, w, bias), first, positions),
        gradFunc: (dy, [rows, p]) => {
          const [dtok, dstart, dpos] = assembleTokensGradFused(dy as tf.Tensor2D, p as tf.Tensor2D);
          return [tf.matMul(rows as tf.Tensor2D, dtok, true, false), colSum(dtok), dstart, dpos];
        },
      };
    });
    return op(patchEmbed.w as tf.Tensor2D, patchEmbed.b as tf.Tensor1D, start as tf.Tensor2D, pos as tf.Tensor2D) as tf.Tensor2D;
  }
  const patchTokens = tf.reshape(dense(scaled, patchEmbed.w as tf.Tensor2D, patchEmbed.b as tf.Tensor1D), [b, numPatches, dim]);
  // A broadcasting add, not tile/broadcastTo: both run the Tile kernel, whose gradient is a JS loop
  // of B slice+add kernels; add's gradient is one sum.
  const first = tf.add(tf.zeros([b, 1, dim]), tf.reshape(start, [1, 1, dim]));
  const seq = tf.add(tf.concat([first, patchTokens], 1), pos);
  return tf.reshape(seq, [b * tokens, dim]);
}
