// The measurements of one benchmark combination, on whatever backend is active. Pure tfjs, no DOM:
// the worker only wires it to messages. Steps are timed the way the app times them (upload a batch,
// trainStep, read the four scalars back), so msPerStep is what a person sees in the readout.
import * as tf from '@tensorflow/tfjs';
import { presetConfig } from '../config';
import { matmulFlopsPerStep } from '../model/flops';
import { readStepOutputs } from '../model/readout';
import { HybridTrainer } from '../model/trainer';
import { gpuCounts, perStep } from './gpuCounters';
import type { BenchRequest, BenchResult, MemoryFigures } from './protocol';

const MATMUL_SIZE = 1024;
const MATMUL_BUDGET_MS = 1500;
/** Distinct host batches cycled through, so no backend can cache an upload. */
const HOST_BATCHES = 4;

type Progress = (message: string) => void;

function memory(): MemoryFigures {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesInGPUAllocated?: number };
  return {
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    gpuBytes: m.numBytesInGPU ?? null,
    gpuBytesAllocated: m.numBytesInGPUAllocated ?? null,
  };
}

/** Waits until every kernel queued so far has run, by reading back one value of `t`. */
async function settle(t: tf.Tensor): Promise<void> {
  const one = tf.tidy(() => tf.slice(tf.reshape(t, [-1]), 0, 1));
  await one.data();
  one.dispose();
}

/**
 * float32 [1024,1024]×[1024,1024] throughput in GFLOP/s (2·n³ FLOPs per product): one untimed
 * product, then products in a row until the budget is spent, settled once at the end.
 */
export async function matmulGflops(): Promise<number> {
  const n = MATMUL_SIZE;
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  const warm = tf.matMul(a, b);
  await settle(warm);
  warm.dispose();
  let reps = 0;
  const started = performance.now();
  let elapsed = 0;
  while (reps < 1 || elapsed < MATMUL_BUDGET_MS) {
    const c = tf.matMul(a, b);
    await settle(c);
    c.dispose();
    reps += 1;
    elapsed = performance.now() - started;
  }
  tf.dispose([a, b]);
  return (2 * n ** 3 * reps) / (elapsed * 1e6);
}

export function hostBatches(count: number, values: number): Int32Array[] {
  // A fixed LCG: reproducible pixels without Math.random, cheap to make.
  let s = 12345;
  return Array.from({ length: count }, () => {
    const pixels = new Int32Array(values);
    for (let i = 0; i < values; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      pixels[i] = s >>> 24;
    }
    return pixels;
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface BackendInfo {
  reason: string;
  adapter: string | null;
  wasmThreads: number | null;
}

/** Runs one combination on the active backend. */
export async function benchTraining(request: BenchRequest, info: BackendInfo, progress: Progress): Promise<BenchResult> {
  const notes: string[] = [];
  progress('matmul 1024³');
  const matmul = await matmulGflops();
  const preset = presetConfig(request.preset);
  const config = {
    ...preset,
    model: { ...preset.model, imageSize: request.imageSize ?? preset.model.imageSize },
    train: { ...preset.train, batch: request.batch ?? preset.train.batch },
  };
  const { batch } = config.train;
  const size = config.model.imageSize;
  const hyper = config.hyper;
  const batches = hostBatches(HOST_BATCHES, batch * size * size * 3);
  const trainer = new HybridTrainer(config.model, config.train);
  let taken = 0;
  const inputs = () =>
    tf.tidy(() => tf.tensor4d(batches[taken++ % HOST_BATCHES], [batch, size, size, 3], 'int32').toFloat() as tf.Tensor4D);
  const encodeMs: number[] = [];
  const step = async (): Promise<number> => {
    const started = performance.now();
    const outputs = tf.tidy(() => trainer.trainStep(inputs(), hyper));
    // On webgpu the synchronous part only records commands: its duration is the encoding cost.
    encodeMs.push(performance.now() - started);
    await readStepOutputs(outputs);
    return performance.now() - started;
  };

  progress('first step');
  const firstStepMs = await step();
  for (let i = 0; i < request.warmupSteps; i++) await step();

  // One profiled step: the kernel count is the dispatch overhead we pay per step.
  progress('profiling one step');
  const profile = await tf.profile(() => {
    const images = inputs();
    const out = trainer.trainStep(images, hyper);
    images.dispose();
    return [out.total, out.con, out.bpd, out.conTop1];
  });
  tf.dispose(profile.result as tf.Tensor[]);
  // The profile also lists op-level scopes (tf.customGrad bodies, fused ops); those are not
  // dispatches, so only names of kernels registered on this backend are counted.
  const kernels = profile.kernels.filter((k) => tf.getKernel(k.name, tf.getBackend()) !== undefined);
  const kernelsPerStep = kernels.length;
  let kernelHistogram: Record<string, { count: number; ms: number }> | undefined;
  if (request.kernelHistogram) {
    kernelHistogram = {};
    for (const k of kernels) {
      const entry = (kernelHistogram[k.name] ??= { count: 0, ms: 0 });
      entry.count += 1;
      entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    }
  }
  await step(); // lets any memory the profiler held go before the baseline
  const memoryAfterWarmup = memory();

  const stepMs: number[] = [];
  encodeMs.length = 0;
  const countsBefore = gpuCounts();
  const started = performance.now();
  while (stepMs.length < request.steps && (stepMs.length < request.minSteps || performance.now() - started < request.budgetMs)) {
    progress(`step ${stepMs.length + 1}`);
    stepMs.push(await step());
  }
  const counted = perStep(countsBefore, gpuCounts(), stepMs.length);
  const memoryAfterSteps = memory();
  trainer.dispose();
  const onGpu = tf.getBackend() === 'webgpu';

  const msPerStep = median(stepMs);
  if (stepMs.length < 20)
    notes.push(
      `only ${stepMs.length} steps timed: a step takes ${(msPerStep / 1000).toFixed(1)} s and the budget is ${(request.budgetMs / 1000).toFixed(0)} s`,
    );
  if (memoryAfterSteps.numTensors !== memoryAfterWarmup.numTensors) notes.push('tensor count changed after warm-up');
  const flopsPerStep = matmulFlopsPerStep(config.model, batch);
  const achievedGflops = flopsPerStep / (msPerStep * 1e6);
  return {
    backend: request.backend,
    preset: request.preset,
    reason: info.reason,
    adapter: info.adapter,
    wasmThreads: info.wasmThreads,
    batch,
    imageSize: size,
    msPerStep,
    stepMs,
    stepsTimed: stepMs.length,
    imagesPerSec: (batch * 1000) / msPerStep,
    flopsPerStep,
    achievedGflops,
    kernelsPerStep,
    matmulGflops: matmul,
    matmulFraction: achievedGflops / matmul,
    firstStepMs,
    dispatchesPerStep: onGpu ? counted.dispatches : null,
    submitsPerStep: onGpu ? counted.submits : null,
    readbacksPerStep: onGpu ? counted.readbacks : null,
    buffersCreatedPerStep: onGpu ? counted.buffersCreated : null,
    bytesUploadedPerStep: onGpu ? counted.bytesUploaded : null,
    encodeMsPerStep: onGpu ? median(encodeMs) : null,
    memoryAfterWarmup,
    memoryAfterSteps,
    stepsBetweenMemory: stepMs.length,
    kernelHistogram,
    notes,
  };
}
