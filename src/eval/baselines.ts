// Names of the reference rows of docs/evaluations.md#baselines, shared by the worker that computes
// them and the page that lines runs up against them. Pure.

import type { RunConfig } from '../config';

export const PIXELS_BASELINE_ID = 'pixels';
export const PIXELS_BASELINE_LABEL = 'raw pixels';

/**
 * The untrained network a run starts from is fixed by its architecture and seed (the weights are drawn
 * from the seed alone: model/params.ts), so runs that share both share one untrained row.
 */
export function untrainedBaselineId(config: Pick<RunConfig, 'model' | 'train'>): string {
  const m = config.model;
  const shape = [m.imageSize, m.patch, m.dim, m.heads, m.encLayers, m.decLayers, m.mixtures, m.projDim].join('-');
  return `untrained:${shape}:seed${config.train.seed}`;
}

export function untrainedBaselineLabel(config: Pick<RunConfig, 'preset' | 'train'>): string {
  return `untrained network (${config.preset}, seed ${config.train.seed})`;
}
