// What the worker reports about the fused WebGPU kernels (protocol.ts imports this; it imports nothing).

/** One fused op on this device: its kernel runs, or the op falls back to its tfjs-op path for `reason`. */
export interface KernelDecision {
  op: string;
  fused: boolean;
  reason: string | null;
}
