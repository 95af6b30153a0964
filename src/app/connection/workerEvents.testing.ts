// Worker events the connection's tests feed in. Test helpers only: production code may not import them.
import { presetConfig } from '../../config';
import type { FromWorker } from '../../protocol';

/** A tiny-preset run back from its checkpoint, paused at `step`, as the worker announces it. */
export function restoredEvent(runId: string, step: number): FromWorker {
  const config = presetConfig('tiny');
  return {
    type: 'runRestored',
    runId,
    step,
    origin: 'checkpoint',
    config,
    forkedFrom: null,
    hyper: config.hyper,
    status: 'paused',
    history: [],
    message: `Restored ${runId}`,
  };
}
