// Connects fault handling to the worker's scheduler and storage, so worker.ts only needs a
// line per hook: diverged runs are rewound, failed reads on WebGPU become a 'deviceLost' report.

import type { FromWorker } from '../protocol';
import type { PersistService } from './persistService';
import { historyUpTo } from '../persist/history';
import type { Scheduler } from './scheduler';
import { FaultReporter } from './faults';
import { rewindDiverged, type DivergenceHost } from './divergence';

export function installFaults(scheduler: Scheduler, persist: PersistService, emit: (event: FromWorker) => void): FaultReporter {
  const faults = new FaultReporter({
    post: emit,
    // Only the flag: a 'paused' event would ask persist for a checkpoint that can no longer be read.
    stopAll: () => {
      for (const run of scheduler.runs.values()) if (run.status === 'training') run.status = 'paused';
    },
  });
  const host: DivergenceHost = {
    runs: scheduler.runs,
    lastGood: (runId) => persist.lastGood(runId),
    forgetAfter: (runId, step) => persist.recorder.adopt(runId, historyUpTo(persist.recorder.history(runId), step)),
    emit,
  };
  scheduler.onDiverged.push((run, report) => {
    rewindDiverged(host, run, report.step, report.metrics.lossTotal, report.hyper).catch((error: unknown) => {
      emit({
        type: 'error',
        runId: run.id,
        step: run.step,
        message: `${run.id} could not be restored after diverging: ${error instanceof Error ? error.message : String(error)}`,
      });
    });
  });
  scheduler.onStepFailed.push((_run, error) => faults.stepFailed(error));
  faults.start();
  return faults;
}
