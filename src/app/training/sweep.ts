// The one-click comparison of loss weightings ("Compare weightings"): the editable set of
// λ_con:λ_gen ratios it starts runs from, and how often they are evaluated. Pure: the runs controller
// turns a parsed sweep into ordinary runs (createRun, start) and the ordinary automatic evaluation.

import { MAX_RUNS } from '../../runPresets';

export interface Weighting {
  lambdaCon: number;
  lambdaGen: number;
}

/** Generative only, mostly generative, balanced, contrastive only. */
export const DEFAULT_SWEEP_TEXT = '0:1, 1:3, 1:1, 1:0';
/**
 * Evaluate every this many steps: on the tiny preset on wasm one evaluation of four runs costs about
 * as much time as this many training rounds, so training still gets about half the time.
 */
export const DEFAULT_SWEEP_EVERY = 250;

/**
 * Parses "a:b, c:d, …" into at most MAX_RUNS weightings. Each ratio is scaled so its larger weight is 1
 * (AdamW is all but blind to the scale of the loss, so only the ratio matters, and the weights stay on
 * the sliders' 0–2 range), rounded to 3 decimals. Returns the reason when the text is not a valid set.
 */
export function parseWeightings(text: string): { weightings: Weighting[] } | { error: string } {
  const parts = text
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) return { error: 'give at least one λ_con:λ_gen ratio, e.g. 1:1' };
  if (parts.length > MAX_RUNS) return { error: `at most ${MAX_RUNS} weightings (one run each)` };
  const weightings: Weighting[] = [];
  for (const part of parts) {
    const match = /^(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!match) return { error: `"${part}" is not a ratio like 1:3` };
    const con = Number(match[1]);
    const gen = Number(match[2]);
    const larger = Math.max(con, gen);
    if (larger === 0) return { error: `"${part}" turns both losses off` };
    const weighting = { lambdaCon: round3(con / larger), lambdaGen: round3(gen / larger) };
    if (weightings.some((w) => w.lambdaCon === weighting.lambdaCon && w.lambdaGen === weighting.lambdaGen)) {
      return { error: `"${part}" repeats a ratio already in the set` };
    }
    weightings.push(weighting);
  }
  return { weightings };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
