// The discretised logistic mixture likelihood of DESIGN §1 and its gradient as one WebGPU kernel:
// one workgroup per image walks every sub-pixel of its patches, reads the mixture parameters
// straight from the generative head's output [B·N, D·3M] (columns: sub-pixel, then logits | means
// | log-scales, then component), writes the image's NLL in nats and, when training, the gradient
// of that NLL with respect to every head output in the same layout. The backward is then only the
// per-image scaling by the upstream gradient and the head's matMuls.
//
// The arithmetic is dmolForward's in ../dmol.ts, branch by branch and in the same operation order
// (its 0/1 blends become selects: a product with an exact 0 or 1 rounds the same way).
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { KernelNeeds } from './limits';
import { grid, runProgram, WGSL_GROUP_INDEX, type BackendInternals, type ProgramSpec } from './runner';
import { WGSL_ACTIVATIONS, wgslMain } from './wgsl';

const THREADS = 64;
const MAX_MIXTURES = 16;

function spec(mixtures: number, withGrad: boolean): ProgramSpec {
  const m = mixtures;
  return {
    key: `hl_dmol_${m}_${withGrad}`,
    outputs: withGrad ? ['nats', 'grad'] : ['nats'],
    inputs: ['x', 'params'],
    inputTypes: { x: 'stored' },
    uniforms: [
      ['images', 'u32'],
      ['perImage', 'u32'],
      ['D', 'u32'],
    ],
    main: `
const M: u32 = ${m}u;
${WGSL_GROUP_INDEX}
${WGSL_ACTIVATIONS}
var<workgroup> partial: array<f32, ${THREADS}>;
${wgslMain(THREADS)}
  let img = groupIndex(wid, nwg);
  if (img >= u.images) { return; }
  var total = 0.0;
  for (var k = lid; k < u.perImage; k += ${THREADS}u) {
    let e = img * u.perImage + k;
    // Element e is sub-pixel e % D of patch row e / D; its parameters start at row·D·3M + i·3M.
    let base = (e / u.D) * u.D * 3u * M + (e % u.D) * 3u * M;
    let xf = f32(x[e]);
    let xs = xf / 127.5 - 1.0;
    let low = xf <= 0.5;
    let high = xf >= 254.5;
    let mid = !low && !high;
    var l: array<f32, ${m}>;
    var joint: array<f32, ${m}>;
    var maxL = -3.4e38;
    var maxJ = -3.4e38;
    for (var c = 0u; c < M; c++) {
      l[c] = params[base + c];
      let s = max(params[base + 2u * M + c], -7.0);
      let inv = exp(-s);
      let cen = xs - params[base + M + c];
      let p = inv * (cen + ${1 / 255});
      let q = inv * (cen - ${1 / 255});
      let uu = inv * cen;
      let delta = sigmoid(p) - sigmoid(q);
      var logProb: f32;
      if (low) { logProb = p - softplus(p); }
      else if (high) { logProb = -softplus(q); }
      else if (delta > 1e-5) { logProb = log(max(delta, 1e-12)); }
      else { logProb = ((uu - s) - 2.0 * softplus(uu)) - ${Math.log(127.5)}; }
      joint[c] = l[c] + logProb;
      maxL = max(maxL, l[c]);
      maxJ = max(maxJ, joint[c]);
    }
    var sumL = 0.0;
    var sumJ = 0.0;
    for (var c = 0u; c < M; c++) {
      sumL += exp(l[c] - maxL);
      sumJ += exp(joint[c] - maxJ);
    }
    let lseL = log(sumL) + maxL;
    let lseJ = log(sumJ) + maxJ;
    total += lseL - lseJ;
    ${
      withGrad
        ? `for (var c = 0u; c < M; c++) {
      let raw = params[base + 2u * M + c];
      let s = max(raw, -7.0);
      let inv = exp(-s);
      let cen = xs - params[base + M + c];
      let p = inv * (cen + ${1 / 255});
      let q = inv * (cen - ${1 / 255});
      let uu = inv * cen;
      let sigP = sigmoid(p);
      let sigQ = sigmoid(q);
      let delta = sigP - sigQ;
      let useDelta = mid && delta > 1e-5;
      let safeDelta = max(delta, 1e-12);
      let r = exp(joint[c] - lseJ);
      let ga = select(0.0, 1.0 - sigP, low) + select(0.0, (sigP * (1.0 - sigP)) / safeDelta, useDelta);
      let gb = -(select(0.0, sigQ, high) + select(0.0, (sigQ * (1.0 - sigQ)) / safeDelta, useDelta));
      let density = mid && !useDelta;
      let gu = select(0.0, 1.0 - 2.0 * sigmoid(uu), density);
      grad[base + c] = exp(l[c] - lseL) - r;
      grad[base + M + c] = (r * inv) * ((ga + gb) + gu);
      let inRange = select(0.0, 1.0, raw >= -7.0);
      grad[base + 2u * M + c] = (r * inRange) * (((p * ga + q * gb) + uu * gu) + select(0.0, 1.0, density));
    }`
        : ''
    }
  }
  partial[lid] = total;
  workgroupBarrier();
  for (var s = ${THREADS / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { partial[lid] = partial[lid] + partial[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { nats[img] = partial[0]; }
}`,
  };
}

export function dmolNeeds(paramCount: number, mixtures: number): KernelNeeds {
  return {
    storageBuffers: 4,
    workgroupInvocations: THREADS,
    workgroupBytes: THREADS * 4,
    largestBindingBytes: paramCount * 4,
    shapeProblem: mixtures <= MAX_MIXTURES ? null : `${mixtures} mixture components are more than ${MAX_MIXTURES}`,
  };
}

const DMOL = 'HybridDmol';

tf.registerKernel({
  kernelName: DMOL,
  backendName: 'webgpu',
  kernelFunc: (({ inputs, backend, attrs }: { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap }): TensorInfo[] => {
    const { x, params } = inputs as Record<string, TensorInfo>;
    const internals = backend as BackendInternals;
    const [images, patches, d] = x.shape;
    const mixtures = attrs.mixtures as number;
    const withGrad = attrs.withGrad as boolean;
    return runProgram(internals, spec(mixtures, withGrad), {
      inputs: [x, params],
      outputs: withGrad ? [[images], params.shape] : [[images]],
      uniforms: [images, patches * d, d],
      dispatch: grid(internals, images),
    });
  }) as unknown as tf.KernelFunc,
});

/**
 * Per-image NLL in nats [B] of integer-valued patches x [B, N, D] under the mixture parameters
 * [B·N, D·3M], and with `withGrad` its gradient w.r.t. those parameters (same layout as params).
 */
export function dmolFused(
  x: tf.Tensor3D,
  params: tf.Tensor2D,
  mixtures: number,
  withGrad: boolean,
): { nats: tf.Tensor1D; grad: tf.Tensor2D | null } {
  const out = tf.engine().runKernel(DMOL, { x, params }, { mixtures, withGrad }) as tf.Tensor[];
  return { nats: out[0] as tf.Tensor1D, grad: withGrad ? (out[1] as tf.Tensor2D) : null };
}
