// tfjs's webgpu backend in Node, without a browser: Dawn through the `webgpu` npm package. Dawn finds
// the machine's Vulkan drivers (a real GPU's, or, with VK_ICD_FILENAMES pointing at Chromium's
// vk_swiftshader_icd.json, the same software adapter the browser tests use). tfjs-backend-webgpu
// looks for `window` and `navigator.gpu`; we provide both, ask for a device with the adapter's limits
// (as worker/webgpuDevice.ts does in the browser) and register the backend with it.
import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { create, globals } from 'webgpu';
import { webgpuBackend } from '../model/webgpu/runner';
import { installPooledUploads } from '../model/webgpu/uploads';

export interface DawnAdapter {
  description: string;
  isFallbackAdapter: boolean;
}

/** The WebGPU classes and constants as globals, as a browser has them (call before anything else). */
export function installDawnGlobals(): void {
  Object.assign(globalThis, globals);
}

/** Makes 'webgpu' the active tfjs backend on the first adapter Dawn finds; returns its description. */
export async function startDawnWebgpu(): Promise<DawnAdapter> {
  installDawnGlobals();
  const gpu = create([]);
  Object.assign(globalThis, { window: globalThis });
  Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: 'node', hardwareConcurrency: 1 }, configurable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn found no WebGPU adapter (no Vulkan driver? see docs/webgpu.md)');
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  });
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapter.info));
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not start its webgpu backend on the Dawn device');
  installPooledUploads(webgpuBackend());
  const info = adapter.info;
  const description = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  return { description, isFallbackAdapter: adapter.isFallbackAdapter };
}
