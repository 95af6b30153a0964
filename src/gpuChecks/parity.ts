// The same training run on two backends: a preset's first steps from the same seed on the same
// batches, every step's reported losses read back (docs/webgpu.md, "Correctness").
import * as tf from '@tensorflow/tfjs';
import { hostBatches } from '../bench/measure';
import { presetConfig, type BackendName, type PresetName } from '../config';
import { readStepOutputs, type StepValues } from '../model/readout';
import { HybridTrainer } from '../model/trainer';
import { selectBackend } from '../worker/backend';

/** Distinct batches cycled through, as the benchmark does. */
const BATCHES = 4;

/** `batchSize` replaces the preset's batch when given (a shorter check on a software adapter). */
export async function trainingRun(
  backend: BackendName,
  preset: PresetName,
  steps: number,
  progress: (message: string) => void,
  batchSize?: number,
): Promise<StepValues[]> {
  await selectBackend(backend);
  if (tf.getBackend() !== backend) throw new Error(`${backend} is not available here`);
  const base = presetConfig(preset);
  const config = { ...base, train: { ...base.train, batch: batchSize ?? base.train.batch } };
  const { batch } = config.train;
  const size = config.model.imageSize;
  const batches = hostBatches(BATCHES, batch * size * size * 3);
  const trainer = new HybridTrainer(config.model, config.train);
  const values: StepValues[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      progress(`${backend} step ${step + 1}/${steps}`);
      const outputs = tf.tidy(() => {
        const images = tf.tensor4d(batches[step % BATCHES], [batch, size, size, 3], 'int32').toFloat() as tf.Tensor4D;
        return trainer.trainStep(images, config.hyper);
      });
      values.push(await readStepOutputs(outputs));
    }
  } finally {
    trainer.dispose();
  }
  return values;
}
