// Panels that show what runs are (ids, colours, weights, status) but not their curves, such as the
// evaluation panel, need not re-render on every training step. useStableRuns hands them the previous
// array for as long as none of those fields changed, so a memoised panel skips the step's render.

import { useState } from 'react';
import type { RunView } from '../training/runView';

/** True when two run lists agree on everything except the step and the curve. */
export function sameRunHeaders(a: readonly RunView[], b: readonly RunView[]): boolean {
  return (
    a.length === b.length &&
    a.every((run, i) => {
      const other = b[i];
      return (
        run.id === other.id &&
        run.color === other.color &&
        run.status === other.status &&
        run.config === other.config &&
        run.forkedFrom?.runId === other.forkedFrom?.runId &&
        run.forkedFrom?.step === other.forkedFrom?.step &&
        run.hyper.lambdaCon === other.hyper.lambdaCon &&
        run.hyper.lambdaGen === other.hyper.lambdaGen &&
        run.hyper.tau === other.hyper.tau &&
        run.hyper.lr === other.hyper.lr
      );
    })
  );
}

/** `runs`, or the earlier array when sameRunHeaders says nothing a header shows has changed. */
export function useStableRuns(runs: RunView[]): RunView[] {
  const [kept, setKept] = useState(runs);
  // State adjusted while rendering (React re-renders this component at once, before its children).
  if (kept !== runs && !sameRunHeaders(kept, runs)) {
    setKept(runs);
    return runs;
  }
  return kept;
}
