// The browser-free path of `npm run bench:gpu`: tfjs's webgpu backend over Dawn in Node, here on
// Chromium's software Vulkan driver (SwiftShader, the adapter the browser tests use). Two training
// steps of a small model must give the cpu backend's losses, with the fused kernels doing the work.
import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, it } from 'vitest';
import { MICRO_MODEL, MICRO_TRAIN, fakeImages } from '../model/model.testing';
import { readStepOutputs, type StepValues } from '../model/readout';
import { HybridTrainer } from '../model/trainer';
import { fusedKernelReport } from '../model/webgpu/limits';
import { startDawnWebgpu } from './dawn';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

async function twoSteps(): Promise<StepValues[]> {
  const trainer = new HybridTrainer(MICRO_MODEL, MICRO_TRAIN);
  const images = fakeImages(MICRO_TRAIN.batch, MICRO_MODEL.imageSize, 5);
  const values = [];
  for (let i = 0; i < 2; i++)
    values.push(await readStepOutputs(trainer.trainStep(images, { lambdaCon: 1, lambdaGen: 1, tau: 0.2, lr: 1e-3 })));
  images.dispose();
  trainer.dispose();
  return values;
}

it('trains on tfjs webgpu over Dawn, without a browser, with the cpu backend’s losses', async () => {
  process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  await tf.setBackend('cpu');
  const expected = await twoSteps();
  const adapter = await startDawnWebgpu();
  expect(tf.getBackend()).toBe('webgpu');
  expect(adapter.description.length).toBeGreaterThan(0);
  const actual = await twoSteps();
  actual.forEach((step, i) => {
    for (const key of ['total', 'con', 'bpd'] as const)
      expect(Math.abs(step[key] - expected[i][key]) / Math.abs(expected[i][key])).toBeLessThan(1e-3);
  });
  expect(
    fusedKernelReport()
      .filter((d) => d.fused)
      .map((d) => d.op),
  ).toEqual(expect.arrayContaining(['adamw', 'attention', 'augment', 'contrastive', 'dmol', 'embed', 'gelu', 'layerNorm']));
});

afterAll(() => tf.engine().reset());
