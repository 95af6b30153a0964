// A pre-flight estimate of what one training step needs, so a run that cannot fit is refused with a
// suggestion instead of crashing the worker or losing the GPU device.
// It counts float32 values; it is an upper-bound style estimate, not an allocator trace.

import type { ModelConfig } from '../config';
import { dimsOf } from './params';

export interface MemoryEstimate {
  parameterCount: number;
  /** Weights, their gradients and AdamW's two moments. */
  parameterBytes: number;
  /** Activations kept for the backward pass plus their gradients. */
  activationBytes: number;
  /** The largest single tensor of the step: WebGPU must bind it as one storage buffer. */
  largestTensorBytes: number;
  totalBytes: number;
}

export interface MemoryLimits {
  /** WebGPU maxStorageBufferBindingSize / maxBufferSize, whichever is smaller; Infinity elsewhere. */
  maxTensorBytes: number;
  /** What the backend can hold in all (wasm heap, JS heap or a GPU budget). */
  totalBudgetBytes: number;
}

const BYTES = 4;

export function parameterCount(m: ModelConfig): number {
  const { tokens, patchDim, dim: d, mixtures } = dimsOf(m);
  const linear = (i: number, o: number) => i * o + o;
  const norm = 2 * d;
  const block = 2 * norm + linear(d, 3 * d) + linear(d, d) + linear(d, 4 * d) + linear(4 * d, d);
  return (
    linear(patchDim, d) +
    d +
    tokens * d +
    (m.encLayers + m.decLayers) * block +
    norm +
    linear(d, d) +
    linear(d, m.projDim) +
    norm +
    linear(d, patchDim * 3 * mixtures)
  );
}

/**
 * The encoder sees the clean batch and two augmented views (3B sequences), the decoder only the clean
 * batch (B). Per block we keep ~14 row-width tensors (LN, QKV, attention output, MLP at 4d, residuals)
 * and three T×T maps per head (scores, masked scores, softmax). The mixture head keeps ~12 tensors of
 * its output size (logistic terms per component). Gradients double the activation memory.
 */
export function estimateTrainingMemory(m: ModelConfig, batch: number): MemoryEstimate {
  const { tokens, numPatches, patchDim, dim: d, heads, mixtures } = dimsOf(m);
  const blockValues = (sequences: number) => sequences * tokens * 14 * d + sequences * heads * tokens * tokens * 3;
  const encoder = m.encLayers * blockValues(3 * batch);
  const decoder = m.decLayers * blockValues(batch);
  const headOutput = batch * numPatches * patchDim * 3 * mixtures;
  const mixtureValues = 12 * headOutput;
  const activationBytes = 2 * (encoder + decoder + mixtureValues) * BYTES;
  const params = parameterCount(m);
  const parameterBytes = 4 * params * BYTES;
  const attentionMap = 3 * batch * heads * tokens * tokens;
  const widestRows = 3 * batch * tokens * 4 * d;
  const largestTensorBytes = Math.max(attentionMap, widestRows, headOutput * mixtures) * BYTES;
  return { parameterCount: params, parameterBytes, activationBytes, largestTensorBytes, totalBytes: parameterBytes + activationBytes };
}

const MiB = 1024 * 1024;

function mib(bytes: number): string {
  return `${Math.ceil(bytes / MiB)} MiB`;
}

/** Returns why the run cannot fit, with a suggestion, or null when it fits. */
export function explainMemoryProblem(estimate: MemoryEstimate, limits: MemoryLimits, batch: number): string | null {
  const smallerBatch = Math.max(2, 2 ** Math.floor(Math.log2(batch / 2)));
  if (estimate.largestTensorBytes > limits.maxTensorBytes) {
    return `One tensor of this run needs ${mib(estimate.largestTensorBytes)}, more than the GPU allows in one buffer (${mib(limits.maxTensorBytes)}). Try batch ${smallerBatch} or a smaller preset.`;
  }
  if (estimate.totalBytes > limits.totalBudgetBytes) {
    return `This run needs about ${mib(estimate.totalBytes)} for a training step, more than the ${mib(limits.totalBudgetBytes)} available. Try batch ${smallerBatch} or a smaller preset.`;
  }
  return null;
}
