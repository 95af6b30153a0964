import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { sampleResults } from '../../eval/clusters.testing';
import type { ProbeStop } from '../../eval/evalTypes';
import { EvalReadouts } from './EvalReadouts';

/** The probe's line in the folded details, as text. */
function probeNote(stop: ProbeStop): string {
  const html = renderToStaticMarkup(
    createElement(EvalReadouts, {
      record: { step: 12, results: sampleResults({ probe: { iterations: 37, converged: stop === 'converged', stop, gradient: 0.01 } }) },
    }),
  );
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
