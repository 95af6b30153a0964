// The UI side of a diverged run put back at its last good checkpoint: its curve loses the
// steps after the checkpoint (they will be trained again), and the status line offers a lower rate.

import type { HyperParams } from '../../config';
import type { StatusLine } from '../common/statusLine';
import type { RunView } from './runView';

export function rewindRun(run: RunView, step: number, hyper: HyperParams): RunView {
  return {
    ...run,
    status: 'paused',
    step,
    hyper: { ...hyper },
    history: run.history.filter((point) => point.step <= step),
    hyperChanges: run.hyperChanges.filter((change) => change.step <= step),
    lastHyperUsed: { ...hyper },
  };
}

export function rewindStatus(runId: string, message: string, suggestedLr: number): StatusLine {
  return { kind: 'error', text: message, action: { kind: 'resumeWithLr', runId, lr: suggestedLr, label: `Resume at lr = ${suggestedLr}` } };
}
