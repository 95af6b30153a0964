import { describe, expect, it } from 'vitest';
import { HeartbeatWatch, MIN_SILENCE_MS } from './heartbeatWatch';

/** Checks every second from `from` to `to` (inclusive); returns the first time it says dead, or null. */
function firstDeath(watch: HeartbeatWatch, from: number, to: number): number | null {
  for (let t = from; t <= to; t += 1000) if (watch.isDead(t)) return t;
  return null;
}

describe('HeartbeatWatch', () => {
  it('is not armed before the first beat', () => {
    const watch = new HeartbeatWatch();
    expect(firstDeath(watch, 0, 120_000)).toBeNull();
  });

  it('declares a silent worker dead after the minimum silence, not before', () => {
    const watch = new HeartbeatWatch();
    watch.beat(0);
    expect(firstDeath(watch, 1000, 60_000)).toBe(MIN_SILENCE_MS + 1000);
  });

  it('keeps a beating worker alive', () => {
    const watch = new HeartbeatWatch();
    for (let t = 0; t < 100_000; t += 1000) {
      watch.beat(t);
      expect(watch.isDead(t + 500)).toBe(false);
    }
  });

  it('allows five times the slowest step seen', () => {
    const watch = new HeartbeatWatch();
    watch.beat(0, 10_000);
    watch.beat(0, 2_000);
    expect(watch.allowedSilenceMs()).toBe(50_000);
    expect(firstDeath(watch, 1000, 49_000)).toBeNull();
    expect(watch.isDead(51_000)).toBe(true);
  });

  it('does not blame the worker for a page that stopped running', () => {
    const watch = new HeartbeatWatch();
    watch.beat(0);
    watch.isDead(1000);
    // The page's timer fired 60 s late (a background tab): the count starts again from here.
    expect(watch.isDead(61_000)).toBe(false);
    expect(firstDeath(watch, 62_000, 61_000 + MIN_SILENCE_MS)).toBeNull();
    expect(watch.isDead(61_000 + MIN_SILENCE_MS + 1000)).toBe(true);
  });

  it('is unarmed again after a reset', () => {
    const watch = new HeartbeatWatch();
    watch.beat(0, 20_000);
    watch.reset();
    expect(watch.allowedSilenceMs()).toBe(MIN_SILENCE_MS);
    expect(firstDeath(watch, 0, 200_000)).toBeNull();
  });
});
