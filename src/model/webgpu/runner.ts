// Runs our own WGSL compute programs inside tfjs's webgpu backend: same device, same command encoder
// and compute pass, same buffer pool, same deferred-submit batching, so a fused kernel is ordered with
// tfjs's own kernels and its buffers are recycled like theirs. Unlike tfjs's runWebGPUProgram, a
// program here may write several outputs (LayerNorm's y and row statistics, DMoL's likelihood and
// gradient factors) and may update a tensor's buffer in place (AdamW), which the step needs to stay
// within a few hundred dispatches (docs/webgpu.md).
//
// tfjs-backend-webgpu 4.22 keeps these members private in its typings but they are plain fields at
// run time; BackendInternals names exactly the ones used here, so an upgrade that renames one fails
// the kernel tests (e2e/kernels.spec.ts) instead of going unnoticed.
import * as tf from '@tensorflow/tfjs';
import type { DataId, TensorInfo } from '@tensorflow/tfjs';

/**
 * An input's element type: f32, or 'stored' for whatever the tensor's storage holds (f32 or i32):
 * tfjs casts int32 → float32 without a copy, so a float tensor can sit on int32 storage, and the
 * kernel must read it through f32(·).
 */
type ElementType = 'f32' | 'stored';
export type UniformType = 'f32' | 'i32' | 'u32';

/** A fused program: its bindings and its WGSL body (helper functions plus `@compute fn main`). */
export interface ProgramSpec {
  /** Unique per distinct WGSL source (include every constant baked into `main`). */
  key: string;
  /** Storage buffers written by the program, bound read_write, in this order (bindings 0..). */
  outputs: string[];
  /** Storage buffers read by the program, after the outputs. */
  inputs: string[];
  /** Element type per input name where it is not f32. */
  inputTypes?: Record<string, ElementType>;
  /** Scalars of the uniform struct `u`, in order. */
  uniforms: [string, UniformType][];
  main: string;
}

/** An output: a new tensor of this shape (float32), or an existing tensor written in place. */
export type OutputTarget = number[] | TensorInfo;

export interface RunArgs {
  inputs: TensorInfo[];
  outputs: OutputTarget[];
  uniforms: number[];
  /** Workgroups along x and y (y > 1 only when x would exceed the per-dimension limit: see grid()). */
  dispatch: [number, number];
}

interface TensorData {
  values: unknown;
  resource: unknown;
  dtype: string;
  /** Live tensors sharing this storage. */
  refCount: number;
}

/** The parts of tfjs-backend-webgpu's WebGPUBackend this file drives (plain fields at run time). */
export interface BackendInternals {
  device: GPUDevice;
  queue: GPUQueue;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<DataId>;
  /** Set while tf.profile runs: each program's GPU time is queried into it. */
  activeTimers?: { name: string; query: Promise<number> }[] | null;
  supportTimestampQuery: boolean;
  querySet: GPUQuerySet | null;
  querySetCount: number;
  getQueryTime(): Promise<number>;
  tensorMap: { get(dataId: DataId): TensorData };
  bufferManager: { acquireBuffer(size: number, usage: number): GPUBuffer };
  makeTensorInfo(shape: number[], dtype: tf.DataType): TensorInfo;
  uploadToGPU(dataId: DataId): void;
  makeUniforms(uniforms: { type: string; data: number[] }[]): GPUBufferBinding;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

/** The active backend as its internals; only call while tf.getBackend() === 'webgpu'. */
export function webgpuBackend(): BackendInternals {
  return tf.backend() as unknown as BackendInternals;
}

interface Compiled {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

/** Pipelines per device: a backend re-created after a device loss compiles afresh. */
const pipelines = new WeakMap<GPUDevice, Map<string, Compiled>>();

function source(spec: ProgramSpec, inputTypes: string[]): string {
  const lines: string[] = [];
  let binding = 0;
  for (const name of spec.outputs) lines.push(`@group(0) @binding(${binding++}) var<storage, read_write> ${name}: array<f32>;`);
  spec.inputs.forEach((name, i) => lines.push(`@group(0) @binding(${binding++}) var<storage, read> ${name}: array<${inputTypes[i]}>;`));
  // Every program gets a uniform struct, so the binding layout is uniform too; a placeholder keeps
  // an empty one valid WGSL.
  const fields = spec.uniforms.length ? spec.uniforms : ([['unused', 'u32']] as [string, UniformType][]);
  lines.push(`struct Uniforms { ${fields.map(([n, t]) => `${n}: ${t},`).join(' ')} };`);
  lines.push(`@group(0) @binding(${binding}) var<uniform> u: Uniforms;`);
  lines.push(spec.main);
  return lines.join('\n');
}

function compile(device: GPUDevice, spec: ProgramSpec, inputTypes: string[]): Compiled {
  let cache = pipelines.get(device);
  if (!cache) {
    cache = new Map();
    pipelines.set(device, cache);
  }
  const key = `${spec.key}|${inputTypes.join(',')}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const entries: GPUBindGroupLayoutEntry[] = [];
  const visibility = GPUShaderStage.COMPUTE;
  spec.outputs.forEach(() => entries.push({ binding: entries.length, visibility, buffer: { type: 'storage' } }));
  spec.inputs.forEach(() => entries.push({ binding: entries.length, visibility, buffer: { type: 'read-only-storage' } }));
  entries.push({ binding: entries.length, visibility, buffer: { type: 'uniform' } });
  const layout = device.createBindGroupLayout({ entries, label: spec.key });
  const module = device.createShaderModule({ code: source(spec, inputTypes), label: spec.key });
  const pipeline = device.createComputePipeline({
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: 'main' },
    label: spec.key,
  });
  const compiled = { pipeline, layout };
  cache.set(key, compiled);
  return compiled;
}

/**
 * Workgroups for `count` work items of `perGroup` each, as [x, y] within the per-dimension limit;
 * WGSL recovers the linear group index with `groupIndex(wid, nwg)` (see WGSL_GROUP_INDEX).
 */
export function grid(backend: BackendInternals, count: number, perGroup = 1): [number, number] {
  const groups = Math.max(1, Math.ceil(count / perGroup));
  const max = backend.device.limits.maxComputeWorkgroupsPerDimension;
  if (groups <= max) return [groups, 1];
  const y = Math.ceil(groups / max);
  return [Math.ceil(groups / y), y];
}

/** The linear workgroup index of a (possibly 2-D) dispatch made by grid(). */
export const WGSL_GROUP_INDEX = `fn groupIndex(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x; }`;

/**
 * Records one dispatch of `spec` on the backend's current compute pass. Returns the outputs in order:
 * new tensors (float32, owned by the caller: return them from a kernel or wrap them with
 * tf.engine().makeTensorFromTensorInfo) or the in-place targets themselves.
 */
export function runProgram(backend: BackendInternals, spec: ProgramSpec, args: RunArgs): TensorInfo[] {
  if (args.uniforms.length !== spec.uniforms.length)
    throw new Error(`${spec.key}: ${args.uniforms.length} uniforms for ${spec.uniforms.length}`);
  if (args.inputs.length !== spec.inputs.length) throw new Error(`${spec.key}: ${args.inputs.length} inputs for ${spec.inputs.length}`);
  const outputs = args.outputs.map((target) => (Array.isArray(target) ? backend.makeTensorInfo(target, 'float32') : target));
  for (const t of [...outputs, ...args.inputs]) backend.uploadToGPU(t.dataId);
  // A tensor written in place may hold a CPU copy from an earlier read: it is stale from now on.
  args.outputs.forEach((target, i) => {
    if (!Array.isArray(target)) backend.tensorMap.get(outputs[i].dataId).values = null;
  });
  const inputTypes = args.inputs.map((t, i) => {
    const stored = backend.tensorMap.get(t.dataId).dtype;
    const name = spec.inputs[i];
    if (spec.inputTypes?.[name] === 'stored') return stored === 'float32' ? 'f32' : 'i32';
    if (stored !== 'float32') throw new Error(`${spec.key}: input ${name} is stored as ${stored}, the kernel reads f32`);
    return 'f32';
  });
  const { pipeline, layout } = compile(backend.device, spec, inputTypes);
  const uniforms = backend.makeUniforms(
    spec.uniforms.length
      ? spec.uniforms.map(([, type], i) => ({
          type: type === 'f32' ? 'float32' : type === 'i32' ? 'int32' : 'uint32',
          data: [args.uniforms[i]],
        }))
      : [{ type: 'uint32', data: [0] }],
  );
  const buffers = [...outputs, ...args.inputs].map((t) => backend.tensorMap.get(t.dataId).resource as GPUBuffer);
  const bindGroup = backend.device.createBindGroup({
    layout,
    entries: [...buffers.map((buffer, binding) => ({ binding, resource: { buffer } })), { binding: buffers.length, resource: uniforms }],
  });
  // While the tensors are referenced by unsubmitted commands, tfjs defers releasing their buffers.
  for (const t of [...outputs, ...args.inputs]) backend.commandQueueOwnedIds.add(t.dataId);
  backend.ensureCommandEncoderReady();
  const timed = backend.activeTimers != null;
  if (timed) {
    // tf.profile: like tfjs's own programs, each in a pass of its own with GPU timestamps around it.
    backend.endComputePassEncoder();
    if (backend.supportTimestampQuery) {
      backend.querySet ??= backend.device.createQuerySet({ type: 'timestamp', count: backend.querySetCount });
      const timestampWrites = { querySet: backend.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 };
      backend.computePassEncoder = (backend.commandEncoder as GPUCommandEncoder).beginComputePass({ timestampWrites });
    }
  }
  if (!backend.computePassEncoder) backend.computePassEncoder = (backend.commandEncoder as GPUCommandEncoder).beginComputePass();
  const pass = backend.computePassEncoder;
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(args.dispatch[0], args.dispatch[1], 1);
  backend.dispatchCountInPass += 1;
  if (timed) {
    backend.endComputePassEncoder();
    backend.activeTimers?.push({ name: spec.key, query: backend.getQueryTime() });
  } else if (backend.dispatchCountInPass >= tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
  return outputs;
}

/** Wraps new output infos as tensors owned by the current tidy scope. */
export function asTensors(infos: TensorInfo[]): tf.Tensor[] {
  return infos.map((info) => tf.engine().makeTensorFromTensorInfo(info));
}
