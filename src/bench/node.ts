// The benchmark without a browser (scripts/bench-gpu.mjs builds this for Node): each preset's
// training step on tfjs's webgpu backend over Dawn (dawn.ts), measured exactly as the browser
// benchmark measures it (measure.ts), counts at the WebGPU API included. Prints the adapter first.
import type { PresetName } from '../config';
import { installDawnGlobals, startDawnWebgpu } from './dawn';
import { installGpuCounters } from './gpuCounters';
import { benchTraining } from './measure';
import type { BenchResult } from './protocol';

export interface NodeBenchOptions {
  presets: PresetName[];
  steps: number;
  budgetMs: number;
  /** Replaces each preset's batch (counting dispatches on a slow adapter: they do not depend on it). */
  batch: number | null;
  say: (line: string) => void;
}

export async function runNodeBench(options: NodeBenchOptions): Promise<{ adapter: string; results: BenchResult[] }> {
  // Before the device exists, so every call is counted.
  installDawnGlobals();
  installGpuCounters();
  const adapter = await startDawnWebgpu();
  options.say(`adapter: ${adapter.description}${adapter.isFallbackAdapter ? ' (a software fallback adapter)' : ''}`);
  const results: BenchResult[] = [];
  for (const preset of options.presets) {
    const request = {
      backend: 'webgpu' as const,
      preset,
      steps: options.steps,
      budgetMs: options.budgetMs,
      minSteps: Math.min(3, options.steps),
      warmupSteps: 1,
      wasmThreads: false,
      kernelHistogram: false,
      ...(options.batch ? { batch: options.batch } : {}),
    };
    const result = await benchTraining(
      request,
      { reason: 'Dawn in Node (no browser)', adapter: adapter.description, wasmThreads: null },
      (m) => options.say(`  ${preset}: ${m}`),
    );
    results.push(result);
  }
  return { adapter: adapter.description, results };
}
