// The one place the worker's events go out to the page's stores and controllers, and the one place
// run ids come from. Because every event passes through here, the set of ids in use (live, deleted,
// restored, imported or only stored) is always complete, and no controller keeps its own copy.

import type { FromWorker } from '../../protocol';

/** Everything on the page that follows the worker's events. apply returns false when the event was not its own. */
export interface WorkerEventSink {
  apply(event: FromWorker): boolean;
}

/** The next free id of the form run-N, after every id in `used`. */
export function nextRunId(used: Iterable<string>): string {
  let n = 1;
  for (const id of used) {
    const match = /^run-(\d+)$/.exec(id);
    if (match) n = Math.max(n, Number(match[1]) + 1);
  }
  return `run-${n}`;
}

export class WorkerEvents {
  private readonly sinks: WorkerEventSink[] = [];
  /** Every run id the page has seen or handed out; never shrinks, so a deleted run's id is never reused. */
  private readonly usedRunIds = new Set<string>();

  /** Adds sinks; each event reaches them in the order they were added. */
  add(...sinks: WorkerEventSink[]): void {
    this.sinks.push(...sinks);
  }

  dispatch(event: FromWorker): void {
    this.noteRunIds(event);
    for (const sink of this.sinks) sink.apply(event);
  }

  /** An id for a run about to be asked for (a new run, a fork, an imported bundle, a dataset's first run). */
  newRunId(): string {
    const id = nextRunId(this.usedRunIds);
    this.usedRunIds.add(id);
    return id;
  }

  private noteRunIds(event: FromWorker): void {
    if ((event.type === 'runCreated' || event.type === 'runRestored') && event.runId) this.usedRunIds.add(event.runId);
    // Runs kept only in storage: an imported or new run must not take their ids (and so their saved data).
    if (event.type === 'storageInfo') for (const run of event.info.runs) this.usedRunIds.add(run.id);
  }
}
