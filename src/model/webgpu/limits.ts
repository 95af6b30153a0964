// Which fused kernels run, and which fell back to the readable tfjs-op path, on this device.
// The device's limits are read once per device; every kernel states what it needs (storage buffers
// in one stage, workgroup size, workgroup memory, its largest binding) and an op whose kernel does
// not fit runs its tfjs-op version instead. The decisions are data, for the backend badge's details.
import * as tf from '@tensorflow/tfjs';
import type { KernelDecision } from './kernelTypes';
import { webgpuBackend } from './runner';

export interface KernelNeeds {
  storageBuffers: number;
  workgroupInvocations: number;
  workgroupBytes?: number;
  /** The largest buffer the kernel binds, for this call's shapes. */
  largestBindingBytes?: number;
  /** Any other shape condition of the kernel, as the reason it fails (null: fits). */
  shapeProblem?: string | null;
}

export type { KernelDecision };

export interface DeviceLimits {
  maxStorageBuffersPerShaderStage: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupStorageSize: number;
  maxStorageBufferBindingSize: number;
}

const limitsByDevice = new WeakMap<GPUDevice, DeviceLimits>();
const decisions = new Map<string, KernelDecision>();
/** Set by the checks: every op (true) or the listed ops take their tfjs-op path. */
let forcedReference: boolean | Set<string> = false;

export function deviceLimits(device: GPUDevice): DeviceLimits {
  let limits = limitsByDevice.get(device);
  if (!limits) {
    const l = device.limits;
    limits = {
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    };
    limitsByDevice.set(device, limits);
  }
  return limits;
}

/** Why `needs` does not fit `limits`, or null. */
export function misfit(needs: KernelNeeds, limits: DeviceLimits): string | null {
  if (needs.storageBuffers > limits.maxStorageBuffersPerShaderStage)
    return `needs ${needs.storageBuffers} storage buffers, the device allows ${limits.maxStorageBuffersPerShaderStage}`;
  if (needs.workgroupInvocations > limits.maxComputeInvocationsPerWorkgroup)
    return `needs ${needs.workgroupInvocations} invocations per workgroup, the device allows ${limits.maxComputeInvocationsPerWorkgroup}`;
  if ((needs.workgroupBytes ?? 0) > limits.maxComputeWorkgroupStorageSize)
    return `needs ${needs.workgroupBytes} bytes of workgroup memory, the device allows ${limits.maxComputeWorkgroupStorageSize}`;
  if ((needs.largestBindingBytes ?? 0) > limits.maxStorageBufferBindingSize)
    return `binds ${needs.largestBindingBytes} bytes, the device allows ${limits.maxStorageBufferBindingSize} per binding`;
  return needs.shapeProblem ?? null;
}

/**
 * Whether `op` runs its fused kernel now: only on the webgpu backend, and only where its needs fit
 * the device. The first decision per op and reason is recorded for fusedKernelReport().
 */
export function runsFused(op: string, needs: () => KernelNeeds): boolean {
  if (forcedReference === true || (forcedReference && forcedReference.has(op)) || tf.getBackend() !== 'webgpu') return false;
  const problem = misfit(needs(), deviceLimits(webgpuBackend().device));
  const known = decisions.get(op);
  if (!known || (problem !== null && known.fused)) decisions.set(op, { op, fused: problem === null, reason: problem });
  return problem === null;
}

/** Every op decided so far on this device: fused, or fallen back with the reason. */
export function fusedKernelReport(): KernelDecision[] {
  return [...decisions.values()].sort((a, b) => a.op.localeCompare(b.op));
}

/** Makes every op (true) or the listed ops take the tfjs-op path, or each its fused kernel where it fits (false). */
export function forceReferenceOps(on: boolean | string[]): void {
  forcedReference = Array.isArray(on) ? new Set(on) : on;
}
