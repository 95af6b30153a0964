// The one store the page's state lives in, for React's useSyncExternalStore: a snapshot replaced (never
// mutated) on every change, and listeners told about changes at most `maxRendersPerSecond` times a
// second. Training never waits for rendering, and rendering never falls behind training: however many
// events arrive, the page redraws at most that often, always from the latest snapshot.

/** Every snapshot carries a version, bumped on each change, that memoised views can key on. */
export interface Versioned {
  version: number;
}

export class ThrottledStore<S extends Versioned> {
  private state: S;
  private readonly listeners = new Set<() => void>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = 0;

  constructor(
    initial: S,
    private readonly maxRendersPerSecond = 10,
  ) {
    this.state = initial;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): S => this.state;

  /** A new snapshot with `patch` applied; listeners hear of it at the next moment the rate allows. */
  protected update(patch: Partial<Omit<S, 'version'>>): void {
    this.state = { ...this.state, ...patch, version: this.state.version + 1 } as S;
    this.scheduleFlush();
  }

  /**
   * Runs `change` and says whether it produced a new snapshot. Every store's apply(event) answers with
   * this: false means the event was not the store's (nothing here changed).
   */
  protected changes(change: () => void): boolean {
    const before = this.state;
    change();
    return this.state !== before;
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== null) return;
    const wait = Math.max(0, this.lastFlush + 1000 / this.maxRendersPerSecond - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.lastFlush = Date.now();
      for (const listener of this.listeners) listener();
    }, wait);
  }
}
