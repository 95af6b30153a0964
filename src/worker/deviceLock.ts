// Serialises work on the device between training steps. The scheduler's steps, the live views and a
// fork all await tfjs reads (data()); without this, a view job or a fork's exportState could start
// while a step is half done (between its awaits) and read weights from two different steps. Work is
// run first come, first served, so a view job waits for at most the step in progress.

export class DeviceLock {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `work` once everything queued before it has finished; resolves or rejects as it does. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => work());
    // The queue continues whatever `work` did; its error is the caller's to handle.
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** The one lock of the worker: every user of the device inside the worker shares it. */
export const deviceLock = new DeviceLock();
