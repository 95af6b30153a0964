// Messages between the bench page (src/bench/main.ts) and its worker (src/bench/worker.ts), and the
// figures one benchmark combination produces. scripts/bench.mjs prints BenchResult as it arrives.
import type { BackendName, PresetName } from '../config';

export interface BenchRequest {
  backend: BackendName;
  preset: PresetName;
  /** Steps timed for the median, at most; fewer when `budgetMs` runs out first. */
  steps: number;
  /** Wall-clock budget for the timed steps. At least `minSteps` run whatever it says. */
  budgetMs: number;
  minSteps: number;
  /** Untimed steps after the first one, before memory is read and timing starts. */
  warmupSteps: number;
  /** wasm only: false forces the single-threaded build even on a cross-origin isolated page. */
  wasmThreads: boolean;
  /** Kernel names with their counts in one profiled step, for finding what to fuse. */
  kernelHistogram: boolean;
  /**
   * Replaces the preset's batch size. Dispatches, submits, readbacks and buffers per step do not
   * depend on it, so a small batch counts them on an adapter too slow for the real one.
   */
  batch?: number;
  /**
   * Replaces the preset's image size (a multiple of its patch). The dispatch, submit, readback and
   * buffer counts follow the layers, not the number of tokens, so large's layers on small images
   * count what a large step dispatches on an adapter far too slow for its 257 tokens.
   */
  imageSize?: number;
}

export interface MemoryFigures {
  numTensors: number;
  numBytes: number;
  /** Bytes held on the GPU (webgl, webgpu); null where the backend keeps none. */
  gpuBytes: number | null;
  /** webgpu only: bytes allocated including the buffer pool's free buffers. */
  gpuBytesAllocated: number | null;
}

export interface BenchResult {
  backend: BackendName;
  preset: PresetName;
  /** Why this backend was chosen, as backend.ts says it; the adapter's name when there is one. */
  reason: string;
  adapter: string | null;
  /** wasm: threads XNNPACK uses (1 = single-threaded build); null elsewhere. */
  wasmThreads: number | null;
  batch: number;
  /** The image side the step ran on: the preset's unless the request replaced it. */
  imageSize: number;
  msPerStep: number;
  /** Every timed step, in order (ms). */
  stepMs: number[];
  stepsTimed: number;
  imagesPerSec: number;
  flopsPerStep: number;
  achievedGflops: number;
  kernelsPerStep: number;
  matmulGflops: number;
  /** achievedGflops / matmulGflops. */
  matmulFraction: number;
  firstStepMs: number;
  /**
   * webgpu only (null elsewhere), per timed step, counted at the WebGPU API (gpuCounters.ts): compute
   * dispatches, queue submits, GPU→CPU readbacks, GPU buffers created and bytes uploaded.
   */
  dispatchesPerStep: number | null;
  submitsPerStep: number | null;
  readbacksPerStep: number | null;
  buffersCreatedPerStep: number | null;
  bytesUploadedPerStep: number | null;
  /** webgpu only: median JavaScript time of the synchronous part of a step (encoding its commands). */
  encodeMsPerStep: number | null;
  memoryAfterWarmup: MemoryFigures;
  memoryAfterSteps: MemoryFigures;
  /** Steps between the two memory readings. */
  stepsBetweenMemory: number;
  /** Per kernel name: dispatches in the profiled step and their summed time (ms) as tf.profile reports it. */
  kernelHistogram?: Record<string, { count: number; ms: number }>;
  notes: string[];
}

export type FromBench =
  { type: 'progress'; message: string } | { type: 'result'; result: BenchResult } | { type: 'error'; message: string };
