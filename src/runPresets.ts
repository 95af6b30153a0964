// Side-by-side runs: how many, their colours, and the three loss weightings a new run can
// start from. Pure: used by the worker (the limit) and the UI (menus, colours).

import type { HyperParams } from './config';

/** One worker steps every run in turn, so each extra run slows the others; four keeps it usable. */
export const MAX_RUNS = 4;

export type RunPresetName = 'generative' | 'hybrid' | 'contrastive';

export const RUN_PRESETS: Record<RunPresetName, { label: string; lambdaCon: number; lambdaGen: number }> = {
  generative: { label: 'generative only (λ_con = 0)', lambdaCon: 0, lambdaGen: 1 },
  hybrid: { label: 'hybrid', lambdaCon: 1, lambdaGen: 1 },
  contrastive: { label: 'contrastive only (λ_gen = 0)', lambdaCon: 1, lambdaGen: 0 },
};

/** The preset's loss weights on top of the base τ and learning rate. */
export function presetHyper(base: HyperParams, preset: RunPresetName): HyperParams {
  const { lambdaCon, lambdaGen } = RUN_PRESETS[preset];
  return { ...base, lambdaCon, lambdaGen };
}

/** Colour-blind-safe (Okabe–Ito) hues, one per run slot. */
export const RUN_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7'] as const;

/** The first colour no current run uses, so a deleted run's colour is reused and colours never repeat. */
export function nextRunColor(used: readonly string[]): string {
  return RUN_COLORS.find((c) => !used.includes(c)) ?? RUN_COLORS[used.length % RUN_COLORS.length];
}
