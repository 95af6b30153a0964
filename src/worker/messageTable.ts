// How the worker turns messages into work. Every ToWorker type has exactly one handler in a record the
// compiler checks (a missing or misspelt type does not compile), and the messages that must not wait
// are declared in one set. Everything else runs one message after another, so that, say, a run is never
// created while the dataset it needs is still loading. Training runs in the scheduler's loop, outside.

import type { ToWorker, ToWorkerType } from '../protocol';

export type MessageOf<T extends ToWorkerType> = Extract<ToWorker, { type: T }>;

export type MessageHandlers = { [T in ToWorkerType]: (message: MessageOf<T>) => void | Promise<void> };

/**
 * Handled on arrival, never queued: a cancel must not wait behind the work it cancels (an import holds
 * the queue; a fork or an import may wait for the evaluation being cancelled), and the fault reports
 * and simulations must not wait behind a queue that may be what hangs.
 */
export const UNQUEUED: ReadonlySet<ToWorkerType> = new Set<ToWorkerType>(['cancelImport', 'cancelEval', 'reportMemory', 'simulateFault']);

export interface MessageTableOptions {
  /** A queued message whose handler threw or rejected. */
  onError(message: ToWorker, error: unknown): void;
  /** Called as a message arrives, before it waits in the queue (imports number themselves here). */
  onArrival?(message: ToWorker): void;
}

export class MessageTable {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly handlers: MessageHandlers,
    private readonly options: MessageTableOptions,
  ) {}

  /** A message from the page: run now if it is UNQUEUED, else after every message before it. */
  receive(message: ToWorker): void {
    if (UNQUEUED.has(message.type)) {
      void this.run(message);
      return;
    }
    this.options.onArrival?.(message);
    this.queue = this.queue.then(async () => {
      try {
        await this.run(message);
      } catch (error) {
        this.options.onError(message, error);
      }
    });
  }

  /** Runs a message's handler directly, outside the queue (for work already inside a queued message). */
  run(message: ToWorker): void | Promise<void> {
    // The record's type pairs each handler with its own message type; indexing it by a union loses
    // that pairing, so the lookup is widened once here.
    const handler = this.handlers[message.type] as (message: ToWorker) => void | Promise<void>;
    return handler(message);
  }
}
