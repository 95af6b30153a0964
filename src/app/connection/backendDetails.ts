// The backend badge's details about the fused WebGPU kernels: which ops run their own kernel on this
// device and which fell back to the tfjs-op path, with the limit in the way (docs/webgpu.md).
import type { KernelDecision } from '../../model/webgpu/kernelTypes';

/** One line for the badge; null where the worker reported no kernels (every backend but webgpu). */
export function kernelDetails(kernels: readonly KernelDecision[] | null): string | null {
  if (!kernels || kernels.length === 0) return null;
  const fallen = kernels.filter((k) => !k.fused);
  if (fallen.length === 0) return `fused kernels for all ${kernels.length} ops`;
  const why = fallen.map((k) => `${k.op} (${k.reason ?? 'no reason given'})`).join('; ');
  return `fused kernels for ${kernels.length - fallen.length} of ${kernels.length} ops; tfjs-op path for ${why}`;
}
