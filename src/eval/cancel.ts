// Cancellation and progress plumbing shared by the long evaluations (docs/evaluations.md: cancellable,
// with progress). In the worker an AbortSignal only flips when the message loop gets a turn, so long
// loops must both check the signal and yield a macrotask now and then; a resolved promise alone
// (e.g. tfjs CPU `data()`) never lets the cancel message in.

/** Called with work done so far and the total, in whatever unit the evaluation counts. */
export type ProgressCallback = (done: number, total: number) => void;

/** Options every cancellable evaluation accepts. */
export interface CancelOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/** Throws the signal's reason (an AbortError DOMException by default) if it has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw signal.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError');
  }
}

/** Gives the event loop one macrotask turn so pending messages (such as a cancel) are handled. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Yields, then throws if the signal was aborted meanwhile. */
export async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal);
  await yieldToEventLoop();
  throwIfAborted(signal);
}
