import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThrottledStore } from './throttledStore';

class Counter extends ThrottledStore<{ version: number; count: number }> {
  constructor(maxRendersPerSecond?: number) {
    super({ version: 0, count: 0 }, maxRendersPerSecond);
  }
  bump(): void {
    this.update({ count: this.getSnapshot().count + 1 });
  }
  /** Bumps only for even n: the store's answer to "was this mine". */
  bumpIfEven(n: number): boolean {
    return this.changes(() => {
      if (n % 2 === 0) this.bump();
    });
  }
}

describe('ThrottledStore', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it('notifies listeners at most ten times a second however many events arrive', () => {
    const store = new Counter(10);
    const listener = vi.fn();
    store.subscribe(listener);
    for (let i = 1; i <= 500; i++) {
      store.bump();
      vi.advanceTimersByTime(2); // 500 events over one second
    }
    vi.advanceTimersByTime(200);
    expect(listener.mock.calls.length).toBeGreaterThan(5);
    expect(listener.mock.calls.length).toBeLessThanOrEqual(12);
    expect(store.getSnapshot().count).toBe(500);
  });

  it('tells listeners at once, then once per interval, ending on the latest snapshot', () => {
    const store = new Counter(10);
    const seen: [number, number][] = [];
    store.subscribe(() => seen.push([Date.now() - 1_000_000, store.getSnapshot().count]));
    for (let t = 0; t < 1000; t += 2) {
      store.bump();
      vi.advanceTimersByTime(2);
    }
    vi.advanceTimersByTime(1000);
    // The first change is told at once; later ones wait for the next 100 ms mark, then carry every
    // change made meanwhile (one every 2 ms: 50 per interval).
    expect(seen).toEqual([
      [0, 1],
      [100, 50],
      [200, 100],
      [300, 150],
      [400, 200],
      [500, 250],
      [600, 300],
      [700, 350],
      [800, 400],
      [900, 450],
      [1000, 500],
    ]);
  });

  it('bumps the version on every change, and says whether a change happened', () => {
    const store = new Counter();
    expect(store.bumpIfEven(1)).toBe(false);
    expect(store.getSnapshot()).toEqual({ version: 0, count: 0 });
    expect(store.bumpIfEven(2)).toBe(true);
    expect(store.getSnapshot()).toEqual({ version: 1, count: 1 });
  });

  it('stops telling a listener that unsubscribed', () => {
    const store = new Counter();
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    store.bump();
    vi.advanceTimersByTime(0);
    unsubscribe();
    store.bump();
    vi.advanceTimersByTime(1000);
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
