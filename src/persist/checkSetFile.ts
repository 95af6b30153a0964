// The check set of a run bundle (docs/run-bundle.md, "Check set"): what the browser computed at export
// for a few fixed inputs, so another implementation (the PyTorch companion in python/) can load the
// weights, recompute the same numbers and prove it runs the same model. checkset.json holds the
// scalars and a tfjs weights manifest for checkset.bin, which holds the images and per-image values.

import type { HyperParams } from '../config';
import type { BatcherState } from '../data/batcher';
import type { NamedArray } from '../model/optimizer';
import { encodeWeights } from './weightsFormat';

export const CHECK_SET_FORMAT = 'hybrid-lab-check-set';

/** Tolerances the companion holds itself to (float32 on both sides); written into the file so it says what it promises. */
export const CHECK_SET_TOLERANCE = { bitsPerDimRelative: 1e-4, lossRelative: 1e-4, representationCosine: 0.9999 } as const;

export interface CheckSetLosses {
  /** NT-Xent of the batch's two views at the hyperparameters' τ. */
  con: number;
  conTop1: number;
  /** Mean bits/dim of the batch's clean view. */
  genBitsPerDim: number;
  /** λ_con·con + λ_gen·genBitsPerDim with the bundle's sliders. */
  total: number;
}

export interface CheckSet {
  /** The run's step: the weights after `step` updates, and the views of the step that would come next. */
  step: number;
  /** The train seed that keys the augmentations, (seed, step). */
  seed: number;
  hyper: HyperParams;
  /** The tfjs backend that computed the values. */
  backend: string;
  /** The data position the batch was drawn from (the run's own, before its next step). */
  batcher: BatcherState;
  batchIndices: number[];
  testIndices: number[];
  losses: CheckSetLosses;
  /**
   * test/images [n,S,S,3], test/bitsPerDim [n], test/representation [n,d], batch/images [B,S,S,3],
   * batch/clean [B,S,S,3] (the L_gen input), batch/views [2B,S,S,3] (view 1 of image i is row i, view 2 row B+i).
   */
  tensors: NamedArray[];
}

/** checkset.json and checkset.bin of a bundle. */
export function encodeCheckSet(checkSet: CheckSet, binPath: string): { json: object; bin: Uint8Array } {
  const { tensors, ...scalars } = checkSet;
  const { group, bin } = encodeWeights(tensors, binPath);
  return { json: { format: CHECK_SET_FORMAT, tolerance: CHECK_SET_TOLERANCE, ...scalars, weightsManifest: [group] }, bin };
}
