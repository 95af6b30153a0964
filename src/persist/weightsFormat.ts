// Named float32 tensors in the tfjs weights format: a JSON manifest ({ weightsManifest: [{ paths,
// weights: [{ name, shape, dtype }] }] }) plus one binary file holding the values back to back,
// little-endian, in manifest order. tf.io.decodeWeights reads it, so an exported model opens in
// plain tfjs. Decoding checks every name and shape against the list the model expects.

import type { NamedArray } from '../model/optimizer';
import { elementCount, type TensorShape } from './modelShapes';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface WeightsGroup {
  paths: string[];
  weights: WeightSpec[];
}

export class WeightsError extends Error {}

// Browsers run on little-endian machines, where a Float32Array's bytes already are the file format.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function encodeWeights(tensors: readonly NamedArray[], path: string): { group: WeightsGroup; bin: Uint8Array } {
  if (!LITTLE_ENDIAN) throw new WeightsError('this machine is big-endian; the tfjs weights format is little-endian');
  const total = tensors.reduce((n, t) => n + t.values.length, 0);
  const bin = new Uint8Array(total * 4);
  let offset = 0;
  for (const t of tensors) {
    if (t.values.length !== elementCount(t.shape)) throw new WeightsError(`${t.name} has ${t.values.length} values for shape [${t.shape}]`);
    bin.set(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength), offset);
    offset += t.values.byteLength;
  }
  return { group: { paths: [path], weights: tensors.map((t) => ({ name: t.name, shape: t.shape.slice(), dtype: 'float32' })) }, bin };
}

/**
 * Reads `bin` as described by `specs`, which must list exactly `expected` (same names, same order,
 * same shapes) and account for every byte. Non-finite values are refused: a checkpoint never holds them
 * (a diverged run is not saved), so they mean corruption.
 */
export function decodeWeights(specs: readonly WeightSpec[], bin: Uint8Array, expected: readonly TensorShape[], what: string): NamedArray[] {
  if (!LITTLE_ENDIAN) throw new WeightsError('this machine is big-endian; the tfjs weights format is little-endian');
  if (specs.length !== expected.length) {
    throw new WeightsError(`${what}: ${specs.length} tensors listed, the model has ${expected.length}`);
  }
  specs.forEach((spec, i) => {
    const want = expected[i];
    if (spec.name !== want.name) throw new WeightsError(`${what}: tensor ${i} is "${spec.name}", expected "${want.name}"`);
    if (spec.shape.length !== want.shape.length || spec.shape.some((v, k) => v !== want.shape[k])) {
      throw new WeightsError(`${what}: ${spec.name} has shape [${spec.shape}], the model needs [${want.shape}]`);
    }
  });
  const needed = expected.reduce((n, t) => n + elementCount(t.shape), 0) * 4;
  if (bin.length !== needed) throw new WeightsError(`${what}: the binary file has ${bin.length} bytes, the manifest needs ${needed}`);
  const out: NamedArray[] = [];
  let offset = 0;
  for (const spec of specs) {
    const bytes = elementCount(spec.shape) * 4;
    // slice() copies into a fresh, aligned buffer: a zip entry's view may start at any byte.
    const values = new Float32Array(bin.slice(offset, offset + bytes).buffer);
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) throw new WeightsError(`${what}: ${spec.name} holds a non-finite value at index ${i}`);
    }
    out.push({ name: spec.name, shape: spec.shape.slice(), values });
    offset += bytes;
  }
  return out;
}
