// The model's variables, created deterministically from the train seed with a host PRNG.
// Logical names ("enc0/qkv/w") are ours; tfjs variable names are left auto-generated because tfjs
// registers variable names globally and two trainers (compared runs) must coexist in one worker.
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import { Rng, hashSeed } from './rng';

export interface Linear {
  w: tf.Variable;
  b: tf.Variable;
}
export interface Norm {
  g: tf.Variable;
  b: tf.Variable;
}
export interface Block {
  ln1: Norm;
  qkv: Linear;
  proj: Linear;
  ln2: Norm;
  fc1: Linear;
  fc2: Linear;
}

export interface HybridParams {
  patchEmbed: Linear;
  start: tf.Variable; // [1, d]
  pos: tf.Variable; // [N+1, d]
  blocks: Block[]; // encoder blocks first, then decoder blocks
  repNorm: Norm; // LayerNorm of the mean-pooled encoder output: r(x)
  headFc1: Linear; // contrastive head d → d
  headFc2: Linear; // contrastive head d → projDim
  genNorm: Norm; // final pre-LN norm before the generative head (GPT-2's ln_f)
  genHead: Linear; // d → P·P·3·3M
}

export interface NamedVariable {
  name: string;
  variable: tf.Variable;
  /** AdamW weight decay applies only to matrices of linear layers. */
  decay: boolean;
}

/** Derived sizes used everywhere. */
export interface Dims {
  size: number; // S
  patch: number; // P
  grid: number; // S / P
  numPatches: number; // N
  tokens: number; // N + 1
  patchDim: number; // P·P·3 sub-pixels per patch
  dim: number;
  heads: number;
  headDim: number;
  mixtures: number;
}

export function dimsOf(m: ModelConfig): Dims {
  const grid = m.imageSize / m.patch;
  return {
    size: m.imageSize,
    patch: m.patch,
    grid,
    numPatches: grid * grid,
    tokens: grid * grid + 1,
    patchDim: m.patch * m.patch * 3,
    dim: m.dim,
    heads: m.heads,
    headDim: m.dim / m.heads,
    mixtures: m.mixtures,
  };
}

/** Creates every variable in a fixed order and returns both the structure and a flat named list. */
export function createParams(m: ModelConfig, seed: number): { params: HybridParams; list: NamedVariable[] } {
  const dims = dimsOf(m);
  const d = m.dim;
  const list: NamedVariable[] = [];
  // One stream per variable keyed by its name, so adding a variable never shifts the others' values.
  const make = (name: string, shape: number[], fill: (rng: Rng) => number, decay: boolean): tf.Variable => {
    const rng = new Rng(hashSeed(seed, ...Array.from(name, (c) => c.charCodeAt(0))));
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = fill(rng);
    const variable = tf.variable(tf.tensor(values, shape, 'float32'), true);
    list.push({ name, variable, decay });
    return variable;
  };
  const normal = (std: number) => (rng: Rng) => std * rng.normal();
  const zeros = () => 0;
  const ones = () => 1;
  const linear = (name: string, inDim: number, outDim: number, std = 0.02): Linear => ({
    w: make(`${name}/w`, [inDim, outDim], normal(std), true),
    b: make(`${name}/b`, [outDim], zeros, false),
  });
  const norm = (name: string): Norm => ({ g: make(`${name}/g`, [d], ones, false), b: make(`${name}/b`, [d], zeros, false) });

  const totalLayers = m.encLayers + m.decLayers;
  // GPT-2: residual output projections scaled by 1/sqrt(2L) so the residual stream starts near unit size.
  const residualStd = 0.02 / Math.sqrt(2 * totalLayers);
  const patchEmbed = linear('patch_embed', dims.patchDim, d);
  const start = make('start', [1, d], normal(0.02), false);
  const pos = make('pos', [dims.tokens, d], normal(0.02), false);
  const blocks: Block[] = [];
  for (let i = 0; i < totalLayers; i++) {
    const p = i < m.encLayers ? `enc${i}` : `dec${i - m.encLayers}`;
    blocks.push({
      ln1: norm(`${p}/ln1`),
      qkv: linear(`${p}/qkv`, d, 3 * d),
      proj: linear(`${p}/proj`, d, d, residualStd),
      ln2: norm(`${p}/ln2`),
      fc1: linear(`${p}/fc1`, d, 4 * d),
      fc2: linear(`${p}/fc2`, 4 * d, d, residualStd),
    });
  }
  const repNorm = norm('rep_ln');
  const headFc1 = linear('con_fc1', d, d, 1 / Math.sqrt(d));
  const headFc2 = linear('con_fc2', d, m.projDim, 1 / Math.sqrt(d));
  const genNorm = norm('gen_ln');
  const genHead = linear('gen_head', d, dims.patchDim * 3 * m.mixtures);
  return { params: { patchEmbed, start, pos, blocks, repNorm, headFc1, headFc2, genNorm, genHead }, list };
}
