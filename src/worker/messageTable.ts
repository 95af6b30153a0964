// How the worker turns messages into work. Every ToWorker type has exactly one handler in a record the
// compiler checks (a missing or misspelt type does not compile), and the messages that must not wait
// are declared in two sets: those that never wait, and those that wait only for the run they address
// to exist. Everything else runs one message after another, so that, say, a run is never created
// while the dataset it needs is still loading. Training runs in the scheduler's loop, outside.

import type { ToWorker, ToWorkerType } from '../protocol';

export type MessageOf<T extends ToWorkerType> = Extract<ToWorker, { type: T }>;

export type MessageHandlers = { [T in ToWorkerType]: (message: MessageOf<T>) => void | Promise<void> };

/**
 * Handled on arrival, never queued: a cancel must not wait behind the work it cancels (an import holds
 * the queue; a fork or an import may wait for the evaluation being cancelled), and the fault reports
 * and simulations must not wait behind a queue that may be what hangs.
 */
export const UNQUEUED: ReadonlySet<ToWorkerType> = new Set<ToWorkerType>(['cancelImport', 'cancelEval', 'reportMemory', 'simulateFault']);

/**
 * Handled on arrival when the run they address exists: a slider change applies from the run's next
 * step, not after an import, a fork waiting for an evaluation, or storage work ahead of it in the queue.
 * For a run not made yet (its createRun, forkRun or importRun still queued) they queue behind what
 * makes it; while one waits there, later ones for that run queue too, so they apply in the order sent.
 */
export const ON_ARRIVAL_FOR_LIVE_RUN: ReadonlySet<ToWorkerType> = new Set<ToWorkerType>(['setHyper']);

export interface MessageTableOptions {
  /** A queued message (or one handled on arrival for a live run) whose handler threw or rejected. */
  onError(message: ToWorker, error: unknown): void;
  /** Called as a message arrives, before it waits in the queue (imports number themselves here). */
  onArrival?(message: ToWorker): void;
  /** Whether the run exists now (see ON_ARRIVAL_FOR_LIVE_RUN). */
  runExists(runId: string): boolean;
}

export class MessageTable {
  private queue: Promise<void> = Promise.resolve();
  /** Per run, the ON_ARRIVAL_FOR_LIVE_RUN messages still waiting in the queue. */
  private readonly waiting = new Map<string, number>();

  constructor(
    private readonly handlers: MessageHandlers,
    private readonly options: MessageTableOptions,
  ) {}

  /**
   * A message from the page: run now if it is UNQUEUED, or addressed to a live run and in
   * ON_ARRIVAL_FOR_LIVE_RUN; else after every message before it.
   */
  receive(message: ToWorker): void {
    if (UNQUEUED.has(message.type)) {
      void this.run(message);
      return;
    }
    const runId = ON_ARRIVAL_FOR_LIVE_RUN.has(message.type) && 'runId' in message ? message.runId : null;
    if (runId !== null && !this.waiting.has(runId) && this.options.runExists(runId)) {
      void this.runReporting(message);
      return;
    }
    this.options.onArrival?.(message);
    if (runId !== null) this.waiting.set(runId, (this.waiting.get(runId) ?? 0) + 1);
    this.queue = this.queue.then(async () => {
      await this.runReporting(message);
      if (runId !== null) this.leaveQueue(runId);
    });
  }

  private async runReporting(message: ToWorker): Promise<void> {
    try {
      await this.run(message);
    } catch (error) {
      this.options.onError(message, error);
    }
  }

  private leaveQueue(runId: string): void {
    const left = (this.waiting.get(runId) ?? 1) - 1;
    if (left > 0) this.waiting.set(runId, left);
    else this.waiting.delete(runId);
  }

  /** Runs a message's handler directly, outside the queue (for work already inside a queued message). */
  run(message: ToWorker): void | Promise<void> {
    // The record's type pairs each handler with its own message type; indexing it by a union loses
    // that pairing, so the lookup is widened once here.
    const handler = this.handlers[message.type] as (message: ToWorker) => void | Promise<void>;
    return handler(message);
  }
}
