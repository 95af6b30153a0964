// The hybrid model of docs/model.md as forward functions over the variables: patch tokens, encoder,
// representation r(x), contrastive head, decoder and the discretised-logistic-mixture head.
// All methods are pure tensor code meant to run inside the caller's tf.tidy / gradient closure.
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import { l2Normalize } from './losses';
import { generativeNllNatsFromDecoder, headPart } from './genHead';
import { createParams, dimsOf, type Dims, type HybridParams, type NamedVariable } from './params';
import { embedTokens, patchify, scaledPatchRows, scalePatches } from './embed';
import { dense } from './ops';
import { causalMask, gelu, layerNorm, linear, transformerBlock } from './transformer';

/** Mixture parameters for every sub-pixel: each [B, N', P·P·3, M]. */
export { patchify };

export interface MixtureParams {
  logits: tf.Tensor4D;
  means: tf.Tensor4D;
  logScales: tf.Tensor4D;
}

/** Inverse of patchify. */
export function unpatchify(patches: tf.Tensor3D, dims: Dims): tf.Tensor4D {
  const { grid: g, patch: p, size } = dims;
  const b = patches.shape[0];
  const split = tf.reshape(patches, [b, g, g, p, p, 3]);
  return tf.reshape(tf.transpose(split, [0, 1, 3, 2, 4, 5]), [b, size, size, 3]);
}

export class HybridModel {
  readonly dims: Dims;
  readonly params: HybridParams;
  readonly variables: NamedVariable[];
  private readonly mask: tf.Tensor2D;

  constructor(
    readonly config: ModelConfig,
    seed: number,
  ) {
    this.dims = dimsOf(config);
    const { params, list } = createParams(config, seed);
    this.params = params;
    this.variables = list;
    this.mask = causalMask(this.dims.tokens);
  }

  /** Patches [B,N,P·P·3] with pixel values 0..255 → token matrix [B·T, d] (start token + positions). */
  embed(patches: tf.Tensor3D): tf.Tensor2D {
    return embedTokens(scalePatches(patches), this.params, this.dims);
  }

  /**
   * Runs blocks [from, to) on x [B·T, d]. Each block runs in its own tidy: under a gradient tape the
   * backward pass needs only what each op saved (kept by tfjs), and without the tidy every
   * intermediate of every block would stay alive until the whole step ends.
   */
  private runBlocks(x: tf.Tensor2D, batch: number, from: number, to: number): tf.Tensor2D {
    let h = x;
    for (let i = from; i < to; i++) {
      const input = h;
      h = tf.tidy(() =>
        transformerBlock(input, this.params.blocks[i], { batch, tokens: this.dims.tokens, heads: this.dims.heads, mask: this.mask }),
      );
    }
    return h;
  }

  /** Encoder output [B·T, d] of images [B,S,S,3] (0..255). */
  encode(images: tf.Tensor4D): tf.Tensor2D {
    return this.runBlocks(
      embedTokens(scaledPatchRows(images, this.dims), this.params, this.dims),
      images.shape[0],
      0,
      this.config.encLayers,
    );
  }

  encodePatches(patches: tf.Tensor3D): tf.Tensor2D {
    return this.runBlocks(this.embed(patches), patches.shape[0], 0, this.config.encLayers);
  }

  /** Decoder output [B·T, d] from the encoder output. */
  decode(encoded: tf.Tensor2D, batch: number): tf.Tensor2D {
    return this.runBlocks(encoded, batch, this.config.encLayers, this.params.blocks.length);
  }

  /** r(x) = LayerNorm(mean over all N+1 positions of the encoder output): [B, d]. */
  representation(encoded: tf.Tensor2D, batch: number): tf.Tensor2D {
    const pooled = tf.mean(tf.reshape(encoded, [batch, this.dims.tokens, this.dims.dim]), 1) as tf.Tensor2D;
    return layerNorm(pooled, this.params.repNorm);
  }

  /** Contrastive head z = normalize(W2·GELU(W1·r)): [B, projDim]. */
  project(rep: tf.Tensor2D): tf.Tensor2D {
    return l2Normalize(linear(gelu(linear(rep, this.params.headFc1)), this.params.headFc2));
  }

  /**
   * Mixture parameters predicted at positions [from, from+count) of the decoder output; position t
   * has seen the start token and patches 0..t-1 and predicts patch t.
   */
  mixture(decoded: tf.Tensor2D, batch: number, from = 0, count = this.dims.numPatches): MixtureParams {
    const h = layerNorm(this.predictingRows(decoded, batch, from, count), this.params.genNorm);
    // The head's columns are (sub-pixel, [logits | means | logScales], M). Rather than one matMul and
    // a split of its large output along the last axis (a full copy per part on wasm, and a slow
    // concat in the gradient), each part is its own matMul over a slice of the small weight matrix.
    const { patchDim, mixtures: m } = this.dims;
    const part = (k: number): tf.Tensor4D => {
      const { w, b } = this.params.genHead;
      return tf.reshape(dense(h, headPart(w as tf.Tensor2D, k, this.dims), headPart(b as tf.Tensor1D, k, this.dims)), [
        batch,
        count,
        patchDim,
        m,
      ]);
    };
    return { logits: part(0), means: part(1), logScales: part(2) };
  }

  /** Decoder rows [B·count, d] at positions [from, from+count). */
  private predictingRows(decoded: tf.Tensor2D, batch: number, from: number, count: number): tf.Tensor2D {
    const { dim, tokens } = this.dims;
    return tf.reshape(tf.slice(tf.reshape(decoded, [batch, tokens, dim]), [0, from, 0], [batch, count, dim]), [batch * count, dim]);
  }

  /** Per-image NLL in nats [B] of integer-valued patches [B,N,P·P·3] given the decoder output. */
  nllNats(decoded: tf.Tensor2D, patches: tf.Tensor3D): tf.Tensor1D {
    return generativeNllNatsFromDecoder(decoded, this.params.genNorm, this.params.genHead, patches, this.dims);
  }

  /** Sub-pixels per image: the bits/dim denominator S·S·3. */
  get subPixels(): number {
    return this.dims.size * this.dims.size * 3;
  }

  dispose(): void {
    this.mask.dispose();
    for (const v of this.variables) v.variable.dispose();
  }
}
