// Decides when the training worker counts as dead for want of a heartbeat. Pure, so the rule
// is tested in Node. The worker beats every second, but only between steps: one synchronous step blocks
// its event loop, so the allowed silence grows with the slowest step seen (a first WebGPU step that
// compiles shaders, a large preset on wasm). A page whose own timers were late (a background tab, a
// long render) proves nothing about the worker, so such a gap restarts the count instead.

export const MIN_SILENCE_MS = 15_000;
export const STEP_FACTOR = 5;
/** A check this late means the page itself was not running. */
const PAGE_STALL_MS = 3_000;

export class HeartbeatWatch {
  private lastBeat: number | null = null;
  private lastCheck: number | null = null;
  private slowestStepMs = 0;

  /** A heartbeat or any other message from the worker: it is alive now. */
  beat(now: number, stepMs?: number): void {
    this.lastBeat = now;
    if (stepMs !== undefined && Number.isFinite(stepMs)) this.slowestStepMs = Math.max(this.slowestStepMs, stepMs);
  }

  /** How long the worker may stay silent before it is declared dead. */
  allowedSilenceMs(): number {
    return Math.max(MIN_SILENCE_MS, STEP_FACTOR * this.slowestStepMs);
  }

  /** Called every second or so; true when the worker has been silent too long. Unarmed until a first beat. */
  isDead(now: number): boolean {
    const previous = this.lastCheck;
    this.lastCheck = now;
    if (this.lastBeat === null) return false;
    if (previous !== null && now - previous > PAGE_STALL_MS) {
      this.lastBeat = now;
      return false;
    }
    return now - this.lastBeat > this.allowedSilenceMs();
  }

  /** A fresh worker: unarmed until it beats. */
  reset(): void {
    this.lastBeat = null;
    this.lastCheck = null;
    this.slowestStepMs = 0;
  }
}
