// The names and shapes of a model's variables, computed from its config without tfjs. An imported
// bundle is checked against this list before any tensor is allocated, so a file that claims a huge
// model, or weights that do not fit the claimed one, is refused with the first name that is wrong.
// model/params.ts creates the variables; modelShapes.test.ts keeps the two lists equal.

import type { ModelConfig } from '../config';

export interface TensorShape {
  name: string;
  shape: number[];
}

export function expectedWeightShapes(m: ModelConfig): TensorShape[] {
  const d = m.dim;
  const grid = m.imageSize / m.patch;
  const tokens = grid * grid + 1;
  const patchDim = m.patch * m.patch * 3;
  const out: TensorShape[] = [];
  const linear = (name: string, inDim: number, outDim: number) => {
    out.push({ name: `${name}/w`, shape: [inDim, outDim] }, { name: `${name}/b`, shape: [outDim] });
  };
  const norm = (name: string) => {
    out.push({ name: `${name}/g`, shape: [d] }, { name: `${name}/b`, shape: [d] });
  };
  linear('patch_embed', patchDim, d);
  out.push({ name: 'start', shape: [1, d] }, { name: 'pos', shape: [tokens, d] });
  for (let i = 0; i < m.encLayers + m.decLayers; i++) {
    const p = i < m.encLayers ? `enc${i}` : `dec${i - m.encLayers}`;
    norm(`${p}/ln1`);
    linear(`${p}/qkv`, d, 3 * d);
    linear(`${p}/proj`, d, d);
    norm(`${p}/ln2`);
    linear(`${p}/fc1`, d, 4 * d);
    linear(`${p}/fc2`, 4 * d, d);
  }
  norm('rep_ln');
  linear('con_fc1', d, d);
  linear('con_fc2', d, m.projDim);
  norm('gen_ln');
  linear('gen_head', d, patchDim * 3 * m.mixtures);
  return out;
}

/** AdamW's exported state (optimizer.ts): per variable both moments and its step count. */
export function expectedOptimizerShapes(m: ModelConfig): TensorShape[] {
  const out: TensorShape[] = [];
  for (const w of expectedWeightShapes(m)) {
    out.push({ name: `${w.name}/m`, shape: w.shape }, { name: `${w.name}/v`, shape: w.shape }, { name: `${w.name}/t`, shape: [1] });
  }
  return out;
}

/**
 * Which loss reaches a variable: the contrastive head only through L_con, the decoder and the
 * generative head only through L_gen, the embeddings and the encoder through both. A variable gets a
 * gradient at a step exactly when one of the losses that reach it has a weight above 0.
 */
export type LossBranch = 'both' | 'contrastive' | 'generative';

export function lossBranch(variableName: string): LossBranch {
  const head = variableName.split('/')[0];
  if (head === 'rep_ln' || head === 'con_fc1' || head === 'con_fc2') return 'contrastive';
  if (head === 'gen_ln' || head === 'gen_head' || /^dec\d+$/.test(head)) return 'generative';
  return 'both';
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Parameters of the model, so a config can be refused by size before its shapes are listed. */
export function parameterCount(m: ModelConfig): number {
  return expectedWeightShapes(m).reduce((sum, t) => sum + elementCount(t.shape), 0);
}
