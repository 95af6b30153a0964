// The fallback decisions: a kernel runs only where the device's limits hold what it needs.
import { expect, it } from 'vitest';
import { variablesPerDispatch } from './adamw';
import { misfit, type DeviceLimits } from './limits';
import { staticKernelSupport } from './support';

/** WebGPU's default limits, what a device gets when it asks for nothing more. */
const DEFAULTS: DeviceLimits = {
  maxStorageBuffersPerShaderStage: 8,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupStorageSize: 16384,
  maxStorageBufferBindingSize: 134217728,
};

it('every fused kernel fits WebGPU’s default limits', () => {
  expect(staticKernelSupport(DEFAULTS).filter((d) => !d.fused)).toEqual([]);
});

it('an op whose kernel needs more than the device allows falls back, and says why', () => {
  const small = { ...DEFAULTS, maxStorageBuffersPerShaderStage: 4, maxComputeWorkgroupStorageSize: 4096 };
  const byOp = Object.fromEntries(staticKernelSupport(small).map((d) => [d.op, d]));
  expect(byOp.layerNorm).toEqual({ op: 'layerNorm', fused: false, reason: 'needs 7 storage buffers, the device allows 4' });
  expect(byOp.attention.fused).toBe(false);
  expect(byOp.contrastive.reason).toBe('needs 5 storage buffers, the device allows 4');
  expect(byOp.adamw).toEqual({ op: 'adamw', fused: true, reason: null });
  expect(byOp.columnSum).toEqual({ op: 'columnSum', fused: true, reason: null });
});

it('shape limits: a binding above the device maximum, and the kernel’s own shape conditions', () => {
  const needs = { storageBuffers: 2, workgroupInvocations: 64, largestBindingBytes: 2 ** 28 };
  expect(misfit(needs, DEFAULTS)).toBe(`binds ${2 ** 28} bytes, the device allows 134217728 per binding`);
  expect(misfit({ storageBuffers: 2, workgroupInvocations: 64, shapeProblem: 'head width 96 is above 64' }, DEFAULTS)).toBe(
    'head width 96 is above 64',
  );
  expect(misfit({ storageBuffers: 2, workgroupInvocations: 512 }, DEFAULTS)).toBe(
    'needs 512 invocations per workgroup, the device allows 256',
  );
});

it('AdamW updates as many variables per dispatch as the storage buffers allow, two bindings each besides m and v', () => {
  expect([8, 10, 16].map(variablesPerDispatch)).toEqual([3, 4, 7]);
});
