// The raw-pixel baseline of docs/evaluations.md#baselines: the "representation" of an image is its
// pixels, flattened and scaled like the model's input (x/127.5 − 1), so the same suite gives the
// linear probe, kNN, corruption and calibration numbers a trained network has to beat, and the
// feature OOD score in pixel space. It has no likelihood, so it has no bits/dim and no bits/dim AUROC.

import * as tf from '@tensorflow/tfjs';
import type { EvaluableModel } from './modelPasses';

/** r(x) = the S·S·3 pixels of x in raster order, scaled to [−1, 1]. */
export const pixelRepresentation: EvaluableModel = {
  represent: (images) =>
    tf.tidy(() => {
      const [n, height, width, channels] = images.shape;
      return tf.sub(tf.div(tf.reshape(images, [n, height * width * channels]), 127.5), 1) as tf.Tensor2D;
    }),
};
