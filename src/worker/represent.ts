// r(x) of many images in fixed-size chunks. HybridTrainer.represent takes one batch; a thousand images
// at once would need attention buffers for all of them. Every chunk has the same shape (the last one is
// padded with copies of its first image and the padding's rows dropped): the WebGPU buffer pool keys
// buffers by exact size and never frees them, so a new last-chunk size per set would leak.

import * as tf from '@tensorflow/tfjs';
import type { HybridTrainer } from '../model/trainer';

export interface PixelBlock {
  size: number;
  count: number;
  /** count*size*size*3 RGB bytes. */
  pixels: Uint8Array;
}

/** Returns count×d row-major representations of the block's images. */
export async function representAll(
  trainer: HybridTrainer,
  block: PixelBlock,
  chunk: number,
): Promise<{ features: Float32Array; dim: number }> {
  const dim = trainer.model.config.dim;
  const { size, count, pixels } = block;
  const per = size * size * 3;
  const features = new Float32Array(count * dim);
  const rows = Math.max(1, Math.floor(chunk));
  const buffer = new Float32Array(rows * per);
  for (let start = 0; start < count; start += rows) {
    const real = Math.min(rows, count - start);
    for (let i = 0; i < rows; i++) {
      const src = start + (i < real ? i : 0);
      buffer.set(pixels.subarray(src * per, (src + 1) * per), i * per);
    }
    const rep = tf.tidy(() => trainer.represent(tf.tensor4d(buffer, [rows, size, size, 3])));
    try {
      const values = await rep.data();
      features.set(values.subarray(0, real * dim), start * dim);
    } finally {
      rep.dispose();
    }
  }
  return { features, dim };
}
