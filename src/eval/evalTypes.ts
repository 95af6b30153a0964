// The evaluation suite's settings and results (docs/evaluations.md), shared by the worker, the UI and the
// headless experiment. Plain data only: they cross the worker boundary by structured clone.

import type { CorruptionKind, Severity } from './corruptions';

export interface EvalSettings {
  /** Images drawn (seeded) from the train split: the probe's training set and the kNN / feature bank. */
  trainSubset: number;
  /** Images drawn from the test split: accuracy, calibration, corruptions, the in-distribution side of OOD. */
  testSubset: number;
  /** Images in the OOD set, split between the image set and the synthetic parts (see oodSet.ts). */
  oodSubset: number;
  /** Add Gaussian-noise and constant-colour images to the OOD set. */
  includeSynthetic: boolean;
  /** Evaluate a run automatically after every N-th step; 0 = off. */
  autoEvery: number;
  /** Seed of the subsets and of the corruption noise: the same for every run, so runs see the same data. */
  seed: number;
}

// Small enough that the tiny preset on wasm evaluates in seconds, large enough for a stable probe.
export const DEFAULT_EVAL_SETTINGS: EvalSettings = {
  trainSubset: 1000,
  testSubset: 500,
  oodSubset: 500,
  includeSynthetic: true,
  autoEvery: 0,
  seed: 12345,
};

export const EVAL_LIMITS = {
  trainSubset: { min: 20, max: 50_000 },
  testSubset: { min: 10, max: 20_000 },
  oodSubset: { min: 10, max: 20_000 },
  autoEvery: { min: 0, max: 1_000_000 },
} as const;

function clampInt(value: unknown, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** Settings patched and clamped to their ranges; anything malformed keeps the current value. */
export function normaliseEvalSettings(current: EvalSettings, patch: Partial<EvalSettings>): EvalSettings {
  return {
    trainSubset: clampInt(patch.trainSubset, current.trainSubset, EVAL_LIMITS.trainSubset.min, EVAL_LIMITS.trainSubset.max),
    testSubset: clampInt(patch.testSubset, current.testSubset, EVAL_LIMITS.testSubset.min, EVAL_LIMITS.testSubset.max),
    oodSubset: clampInt(patch.oodSubset, current.oodSubset, EVAL_LIMITS.oodSubset.min, EVAL_LIMITS.oodSubset.max),
    includeSynthetic: typeof patch.includeSynthetic === 'boolean' ? patch.includeSynthetic : current.includeSynthetic,
    autoEvery: clampInt(patch.autoEvery, current.autoEvery, EVAL_LIMITS.autoEvery.min, EVAL_LIMITS.autoEvery.max),
    seed: clampInt(patch.seed, current.seed, 0, 2 ** 31 - 1),
  };
}

/** Probe accuracy on one corrupted copy of the test subset. */
export interface CorruptionScore {
  kind: CorruptionKind;
  severity: Severity;
  accuracy: number;
}

/** AUROCs against one part of the OOD set alone (natural images, noise, constant colours). */
export interface OodPartScore {
  name: string;
  count: number;
  /** null for a representation without a likelihood (the raw-pixel baseline). */
  aurocBpd: number | null;
  aurocFeature: number;
}

/**
 * Which natural-image OOD set is in use. imageCount is null until it has been decoded at the model's
 * size; `error` says why it could not be (the evaluation then uses the synthetic parts alone).
 */
export interface OodSetInfo {
  name: string;
  origin: 'builtin' | 'imported';
  state: 'pending' | 'loading' | 'ready' | 'failed';
  imageCount: number | null;
  skipped: number;
  error: string | null;
}

export interface EvalResults {
  /** null where the evaluation needs labels the data does not have (see needsLabels). */
  linearAcc: number | null;
  knnAcc: number | null;
  /** AUROC over the whole OOD set vs the test subset; null when the OOD set is empty. */
  oodAurocBpd: number | null;
  oodAurocFeature: number | null;
  /** Mean probe accuracy over the 5 corruptions × 5 severities, and its ratio to clean accuracy. */
  corruptionAcc: number | null;
  corruptionRatio: number | null;
  corruptions: CorruptionScore[];
  ece: number | null;
  /** Mean bits/dim of the test subset; null for a representation without a likelihood (raw pixels). */
  testBpd: number | null;
  oodParts: OodPartScore[];
  ood: OodSetInfo;
  sizes: { train: number; test: number; ood: number; labelledTrain: number; labelledTest: number };
  /** Why the label-needing evaluations were skipped, or null when they ran. */
  needsLabels: string | null;
  probe: ProbeSummary | null;
  seconds: number;
}

/**
 * How the linear probe's fit ended (linearProbe.ts): a small gradient (converged), a loss that stopped
 * moving while the gradient was not small (stalled), or the iteration cap.
 */
export type ProbeStop = 'converged' | 'stalled' | 'iterationCap';
export const PROBE_STOPS: readonly ProbeStop[] = ['converged', 'stalled', 'iterationCap'];

export interface ProbeSummary {
  iterations: number;
  /** stop === 'converged'. */
  converged: boolean;
  stop: ProbeStop;
  /** Largest gradient component at the end; null when not finite, or when recorded before it was kept. */
  gradient: number | null;
}

export interface EvalProgress {
  phase: string;
  done: number;
  total: number;
}

/**
 * A reference row evaluated on exactly the subsets the runs use (docs/evaluations.md#baselines): the
 * untrained network (a run's architecture and seed at step 0) or the raw pixels themselves.
 */
export interface BaselineRecord {
  /** 'pixels', or 'untrained:' + the architecture and seed it stands for. */
  id: string;
  kind: 'untrained' | 'pixels';
  label: string;
  results: EvalResults;
}
