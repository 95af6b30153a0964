import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { EvalResults, ProbeStop } from '../../eval/evalTypes';
import { EvalReadouts } from './EvalReadouts';

function resultsWithProbe(stop: ProbeStop): EvalResults {
  return {
    linearAcc: 0.4,
    knnAcc: 0.3,
    oodAurocBpd: 0.3,
    oodAurocFeature: 0.8,
    corruptionAcc: null,
    corruptionRatio: null,
    corruptions: [],
    ece: 0.05,
    testBpd: 5,
    oodParts: [],
    ood: { name: 'x', origin: 'builtin', state: 'ready', imageCount: 1, skipped: 0, error: null },
    sizes: { train: 10, test: 10, ood: 1, labelledTrain: 10, labelledTest: 10 },
    needsLabels: null,
    probe: { iterations: 37, converged: stop === 'converged', stop, gradient: 0.01 },
    seconds: 1,
  };
}

/** The probe's line in the folded details, as text. */
function probeNote(stop: ProbeStop): string {
  const html = renderToStaticMarkup(createElement(EvalReadouts, { record: { step: 12, results: resultsWithProbe(stop) } }));
  const note = /Linear probe:[^<]*/.exec(html.replace(/<!-- -->/g, ''));
  return note ? note[0] : '';
}

describe('EvalReadouts', () => {
  it("says how the linear probe's fit ended: converged, stalled or the iteration cap", () => {
    expect(probeNote('converged')).toBe('Linear probe: 37 L-BFGS iterations, converged.');
    expect(probeNote('stalled')).toBe(
      'Linear probe: 37 L-BFGS iterations, stalled (the loss stopped falling before the gradient was small).',
    );
    expect(probeNote('iterationCap')).toBe('Linear probe: 37 L-BFGS iterations, stopped at the iteration cap.');
  });
});
