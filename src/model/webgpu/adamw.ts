// AdamW over many parameters in few WebGPU dispatches: each dispatch updates as many variables as
// the device's storage-buffer limit allows (two bindings per variable, its value and its gradient,
// plus the flat first and second moments shared by all), in place. Every variable carries its own
// step size and ε̂ (its bias corrections: PyTorch keeps an Adam step count per parameter, so a
// variable that went without a gradient for some steps has its own t) and its own decay factor
// (1 − lr·wd for decayed matrices, 1 otherwise):
//   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  p ← p·decay − step·m/(√v + ε̂)
// in the operation order of AdamW.apply in ../optimizer.ts, the reference.
import * as tf from '@tensorflow/tfjs';
import type { DataId, TensorInfo } from '@tensorflow/tfjs';
import { grid, runProgram, webgpuBackend, WGSL_GROUP_INDEX, type ProgramSpec, type UniformType } from './runner';
import { wgslMain } from './wgsl';
import { deviceLimits, type KernelNeeds } from './limits';

const THREADS = 256;
/** Bindings per dispatch besides the variables: the flat moments m and v. */
const SHARED_BINDINGS = 2;

/** One variable's update: where its moments sit in the flat m and v, and its own constants. */
export interface AdamWSlot {
  param: tf.Variable;
  grad: tf.Tensor;
  /** Offset of this variable's first element in the flat moment vectors. */
  offset: number;
  stepSize: number;
  epsHat: number;
  decay: number;
}

/** Variables one dispatch can update on a device with this many storage buffers per stage. */
export function variablesPerDispatch(maxStorageBuffers: number): number {
  return Math.floor((maxStorageBuffers - SHARED_BINDINGS) / 2);
}

/** What the kernel needs for flat moment vectors of `momentBytes` (one variable per dispatch at least). */
export function adamwNeeds(momentBytes: number): KernelNeeds {
  return { storageBuffers: SHARED_BINDINGS + 2, workgroupInvocations: THREADS, largestBindingBytes: momentBytes };
}

function spec(k: number): ProgramSpec {
  const uniforms: [string, UniformType][] = [
    ['total', 'u32'],
    ['beta1', 'f32'],
    ['beta2', 'f32'],
    ['oneMinusBeta1', 'f32'],
    ['oneMinusBeta2', 'f32'],
  ];
  const slots: string[] = [];
  for (let i = 0; i < k; i++) {
    uniforms.push(
      [`start${i}`, 'u32'],
      [`size${i}`, 'u32'],
      [`offset${i}`, 'u32'],
      [`step${i}`, 'f32'],
      [`eps${i}`, 'f32'],
      [`decay${i}`, 'f32'],
    );
    slots.push(`if (t >= u.start${i} && t < u.start${i} + u.size${i}) {
    let j = t - u.start${i};
    p${i}[j] = update(p${i}[j], g${i}[j], u.offset${i} + j, u.step${i}, u.eps${i}, u.decay${i});
  }`);
  }
  return {
    key: `hl_adamw_${k}`,
    outputs: ['m', 'v', ...Array.from({ length: k }, (_, i) => `p${i}`)],
    inputs: Array.from({ length: k }, (_, i) => `g${i}`),
    uniforms,
    main: `
${WGSL_GROUP_INDEX}
fn update(p: f32, g: f32, flat: u32, step: f32, eps: f32, decay: f32) -> f32 {
  let mm = m[flat] * u.beta1 + g * u.oneMinusBeta1;
  let vv = v[flat] * u.beta2 + (g * g) * u.oneMinusBeta2;
  m[flat] = mm;
  v[flat] = vv;
  return p * decay - (mm / (sqrt(vv) + eps)) * step;
}
${wgslMain(THREADS)}
  let t = groupIndex(wid, nwg) * ${THREADS}u + lid;
  if (t >= u.total) { return; }
  ${slots.join(' else ')}
}`,
  };
}

const info = (t: tf.Tensor): TensorInfo => ({ dataId: t.dataId as DataId, shape: t.shape, dtype: t.dtype });

/**
 * An update in place must not show through another tensor sharing the variable's storage (the
 * tensor a variable was created from, a clone, a reshape): a variable that shares it gets a storage
 * of its own first. This happens once; a training step's own aliases (saved activations) are gone
 * by the time the optimizer runs.
 */
function ownStorage(variable: tf.Variable): void {
  if (webgpuBackend().tensorMap.get(variable.dataId as DataId).refCount > 1)
    tf.tidy(() => variable.assign(tf.add(variable, tf.zerosLike(variable))));
}

/**
 * Applies one AdamW update to every slot's variable in place, and to the flat moments m and v,
 * in ⌈slots / variablesPerDispatch⌉ dispatches. Variables without a gradient this step are simply
 * not among the slots: their values and moments stay as they are.
 */
export function adamwFused(slots: AdamWSlot[], m: tf.Variable, v: tf.Variable, beta1: number, beta2: number): number {
  const backend = webgpuBackend();
  const k = Math.max(1, variablesPerDispatch(deviceLimits(backend.device).maxStorageBuffersPerShaderStage));
  for (const t of [m, v, ...slots.map((slot) => slot.param)]) ownStorage(t);
  let dispatches = 0;
  for (let first = 0; first < slots.length; first += k) {
    const group = slots.slice(first, first + k);
    const uniforms = [0, beta1, beta2, 1 - beta1, 1 - beta2];
    let start = 0;
    for (const slot of group) {
      uniforms.push(start, slot.param.size, slot.offset, slot.stepSize, slot.epsHat, slot.decay);
      start += slot.param.size;
    }
    uniforms[0] = start;
    // The last group may be smaller: its own shader, since a buffer may not be bound twice for writing.
    runProgram(backend, spec(group.length), {
      inputs: group.map((s) => info(s.grad)),
      outputs: [info(m), info(v), ...group.map((s) => info(s.param))],
      uniforms,
      dispatch: grid(backend, start, THREADS),
    });
    dispatches += 1;
  }
  return dispatches;
}
