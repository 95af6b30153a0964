// A training step's input images in one WebGPU dispatch: the clean images (horizontal flip only)
// followed by the SimCLR views (crop-resize, flip, colour jitter, grayscale), one workgroup per output
// image, from a small table of per-row parameters drawn on the host (../augment.ts). Each workgroup
// crop-resizes its image bilinearly exactly as tfjs's CropAndResize does, sums it for the mean colour
// μ, then applies out = clip(A·x + C·μ, 0, 255). A clean row is the identity crop (or its mirror)
// with A = I, C = 0, which reproduces its pixels exactly. With `patches`, the clean rows are also
// written in patch layout [B, N, P·P·3]: the generative loss's targets, without a transpose.
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { KernelNeeds } from './limits';
import { grid, runProgram, WGSL_GROUP_INDEX, type BackendInternals, type ProgramSpec } from './runner';
import { wgslMain } from './wgsl';

const THREADS = 256;
/** Floats per output row in the parameter table: box (4), source image, Aᵀ (9), Cᵀ (9). */
export const AUGMENT_ROW = 23;

function spec(patches: boolean): ProgramSpec {
  return {
    key: `hl_augment_${patches}`,
    outputs: patches ? ['out', 'cleanPatches'] : ['out'],
    inputs: ['images', 'table'],
    inputTypes: { images: 'stored' },
    uniforms: [
      ['rows', 'u32'],
      ['S', 'u32'],
      ['P', 'u32'],
      ['cleanRows', 'u32'],
    ],
    main: `
${WGSL_GROUP_INDEX}
var<workgroup> sums: array<vec4<f32>, ${THREADS}>;
fn pixelAt(b: u32, y: i32, x: i32, c: u32) -> f32 {
  return f32(images[((b * u.S + u32(y)) * u.S + u32(x)) * 3u + c]);
}
${wgslMain(THREADS)}
  let v = groupIndex(wid, nwg);
  if (v >= u.rows) { return; }
  let t = v * ${AUGMENT_ROW}u;
  let y1 = table[t];
  let x1 = table[t + 1u];
  let y2 = table[t + 2u];
  let x2 = table[t + 3u];
  let src = u32(round(table[t + 4u]));
  let last = f32(u.S - 1u);
  let heightScale = (y2 - y1) * (last / last);
  let widthScale = (x2 - x1) * (last / last);
  let pixels = u.S * u.S;
  var acc = vec4<f32>(0.0);
  for (var k = lid; k < pixels; k += ${THREADS}u) {
    let inY = y1 * last + f32(k / u.S) * heightScale;
    let inX = x1 * last + f32(k % u.S) * widthScale;
    let inside = inY >= 0.0 && inY <= last && inX >= 0.0 && inX <= last;
    let fr = vec2<f32>(clamp(inX, 0.0, last), clamp(inY, 0.0, last));
    let lo = vec2<i32>(fr);
    let hi = vec2<i32>(ceil(fr));
    let frac = fr - vec2<f32>(lo);
    var rgb = vec3<f32>(0.0);
    for (var c = 0u; c < 3u; c++) {
      let topLeft = pixelAt(src, lo.y, lo.x, c);
      let topRight = pixelAt(src, lo.y, hi.x, c);
      let bottomLeft = pixelAt(src, hi.y, lo.x, c);
      let bottomRight = pixelAt(src, hi.y, hi.x, c);
      let top = topLeft + (topRight - topLeft) * frac.x;
      let bottom = bottomLeft + (bottomRight - bottomLeft) * frac.x;
      rgb[c] = select(0.0, top + (bottom - top) * frac.y, inside);
      out[(v * pixels + k) * 3u + c] = rgb[c];
    }
    acc += vec4<f32>(rgb, 0.0);
  }
  sums[lid] = acc;
  workgroupBarrier();
  for (var s = ${THREADS / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sums[lid] = sums[lid] + sums[lid + s]; }
    workgroupBarrier();
  }
  let mu = sums[0].xyz / f32(pixels);
  // Each thread recolours the pixels it cropped, so it reads back only its own writes.
  for (var k = lid; k < pixels; k += ${THREADS}u) {
    let o = (v * pixels + k) * 3u;
    let rgb = vec3<f32>(out[o], out[o + 1u], out[o + 2u]);
    for (var c = 0u; c < 3u; c++) {
      let fromPixel = (rgb.x * table[t + 5u + c] + rgb.y * table[t + 8u + c]) + rgb.z * table[t + 11u + c];
      let fromMean = (mu.x * table[t + 14u + c] + mu.y * table[t + 17u + c]) + mu.z * table[t + 20u + c];
      let value = clamp(fromPixel + fromMean, 0.0, 255.0);
      out[o + c] = value;
      ${
        patches
          ? `if (v < u.cleanRows) {
        let y = k / u.S;
        let x = k % u.S;
        let G = u.S / u.P;
        let n = (y / u.P) * G + x / u.P;
        cleanPatches[((v * G * G + n) * u.P * u.P + (y % u.P) * u.P + x % u.P) * 3u + c] = value;
      }`
          : ''
      }
    }
  }
}`,
  };
}

export function augmentNeeds(outputBytes: number): KernelNeeds {
  return { storageBuffers: 4, workgroupInvocations: THREADS, workgroupBytes: THREADS * 16, largestBindingBytes: outputBytes };
}

const AUGMENT = 'HybridAugment';

tf.registerKernel({
  kernelName: AUGMENT,
  backendName: 'webgpu',
  kernelFunc: (({ inputs, backend, attrs }: { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap }): TensorInfo[] => {
    const { images, table } = inputs as Record<string, TensorInfo>;
    const internals = backend as BackendInternals;
    const size = images.shape[1];
    const rows = table.shape[0];
    const { patch, cleanRows } = attrs as Record<string, number>;
    const withPatches = cleanRows > 0;
    const outputs = [[rows, size, size, 3]];
    if (withPatches) outputs.push([cleanRows, (size * size) / (patch * patch), patch * patch * 3]);
    return runProgram(internals, spec(withPatches), {
      inputs: [images, table],
      outputs,
      uniforms: [rows, size, patch, cleanRows],
      dispatch: grid(internals, rows),
    });
  }) as unknown as tf.KernelFunc,
});

/**
 * Output rows [V, S, S, 3] from images [B, S, S, 3] and a parameter table [V, AUGMENT_ROW]; with
 * cleanRows > 0 also those first rows as patches [cleanRows, N, P·P·3].
 */
export function augmentFused(
  images: tf.Tensor4D,
  table: tf.Tensor2D,
  patch: number,
  cleanRows: number,
): { out: tf.Tensor4D; cleanPatches: tf.Tensor3D | null } {
  const result = tf.engine().runKernel(AUGMENT, { images, table }, { patch, cleanRows }) as tf.Tensor[];
  return { out: result[0] as tf.Tensor4D, cleanPatches: cleanRows > 0 ? (result[1] as tf.Tensor3D) : null };
}
