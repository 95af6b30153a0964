// The webgpu backend's device, asked for with the adapter's own storage-buffer limit. tfjs-backend-
// webgpu's factory raises a few limits to the adapter's but leaves maxStorageBuffersPerShaderStage
// at WebGPU's default of 8, which caps how many parameters one fused AdamW dispatch can update
// (model/webgpu/adamw.ts); this factory asks for everything tfjs asks for, plus that.
import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

let registered = false;

export function registerWebgpuWithAdapterLimits(): void {
  if (registered || !(self.navigator as Navigator & { gpu?: GPU }).gpu) return;
  registered = true;
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const gpu = (self.navigator as Navigator & { gpu: GPU }).gpu;
      const lowPower = tf.env().getBool('WEBGPU_USE_LOW_POWER_GPU');
      const adapter = await gpu.requestAdapter({ powerPreference: lowPower ? 'low-power' : 'high-performance' });
      if (!adapter) throw new Error('no WebGPU adapter');
      const limits = adapter.limits;
      const requiredFeatures: GPUFeatureName[] = [];
      if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
      if (adapter.features.has('bgra8unorm-storage')) requiredFeatures.push('bgra8unorm-storage');
      const device = await adapter.requestDevice({
        requiredFeatures,
        requiredLimits: {
          maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
          maxBufferSize: limits.maxBufferSize,
          maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
          maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
        },
      });
      return new WebGPUBackend(device, adapter.info);
    },
    3,
  );
}
