// A short fingerprint of a run's history (steps and losses, bit for bit), shown on each stored run so a
// person, or a test, can see at a glance that an imported or restored run has exactly the same history.

import type { MetricPoint } from '../training/runView';

export function historyDigest(history: readonly MetricPoint[]): string {
  const floats = new Float64Array(1);
  const words = new Uint32Array(floats.buffer);
  let h = 0x811c9dc5;
  const mix = (value: number) => {
    floats[0] = value;
    for (const word of words) h = Math.imul(h ^ word, 0x01000193) >>> 0;
  };
  for (const p of history) {
    mix(p.step);
    mix(p.lossTotal);
    mix(p.lossCon);
    mix(p.bitsPerDim);
  }
  return h.toString(16).padStart(8, '0');
}
