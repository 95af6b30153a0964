// ?autostart=1: the first run of the page starts training as soon as it exists, so a link trains at
// once (the end-to-end specs rely on it). Only that run: a fork of a paused run, a new run or an
// imported one is created as asked, not started behind the person's back.

import type { FromWorker, ToWorker } from '../../protocol';
import type { WorkerEventSink } from './workerEvents';

export class Autostart implements WorkerEventSink {
  private armed: boolean;

  constructor(
    enabled: boolean,
    private readonly post: (message: ToWorker) => void,
  ) {
    this.armed = enabled;
  }

  apply(event: FromWorker): boolean {
    if (!this.armed) return false;
    // Runs back from storage were not created by this page; they disarm it like a first run would.
    if (event.type === 'runRestored') {
      this.armed = false;
      return true;
    }
    if (event.type !== 'runCreated' || !event.runId) return false;
    this.armed = false;
    this.post({ type: 'start', runId: event.runId });
    return true;
  }
}
