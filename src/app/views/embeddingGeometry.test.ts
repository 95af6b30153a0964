import { describe, expect, it } from 'vitest';
import {
  classColor,
  fitBounds,
  groupByClass,
  IDENTITY_VIEW,
  nearestPoint,
  panBy,
  toScreen,
  UNLABELLED_COLOR,
  zoomAt,
} from './embeddingGeometry';

describe('embedding geometry', () => {
  it('groups point indices per class, unlabelled and out-of-range labels last', () => {
    const groups = groupByClass(Int32Array.from([2, 0, -1, 2, 7, 0]), 3);
    expect(groups.map((g) => g.label)).toEqual([0, 2, -1]);
    expect(groups.map((g) => Array.from(g.indices))).toEqual([
      [1, 5],
      [0, 3],
      [2, 4],
    ]);
  });

  it('gives ten distinct colours to CIFAR-10 and grey to unlabelled', () => {
    expect(new Set(Array.from({ length: 10 }, (_, i) => classColor(i))).size).toBe(10);
    expect(classColor(-1)).toBe(UNLABELLED_COLOR);
    expect(classColor(11)).not.toBe(classColor(12));
  });

  it('fits bounds over every set, ignoring non-finite points, and widens a degenerate axis', () => {
    expect(fitBounds(Float32Array.from([0, 1, 4, -2]), Float32Array.from([NaN, 9, -1, 0]))).toEqual({
      minX: -1,
      maxX: 4,
      minY: -2,
      maxY: 1,
    });
    expect(fitBounds(Float32Array.from([3, 3, 3, 3]))).toEqual({ minX: 2.5, maxX: 3.5, minY: 2.5, maxY: 3.5 });
    expect(fitBounds(new Float32Array(0))).toEqual({ minX: -1, maxX: 1, minY: -1, maxY: 1 });
  });

  it('maps the bounds into the canvas with equal scales, y up, then applies zoom and pan', () => {
    const bounds = { minX: 0, maxX: 10, minY: 0, maxY: 5 };
    const xy = Float32Array.from([0, 0, 10, 5, 5, 2.5]);
    // 220×120 canvas, pad 10: k = min(200/10, 100/5) = 20; centre (5, 2.5) → (110, 60).
    expect(Array.from(toScreen(xy, bounds, 220, 120, IDENTITY_VIEW, 10))).toEqual([10, 110, 210, 10, 110, 60]);
    const zoomed = zoomAt(IDENTITY_VIEW, 2, 110, 60);
    expect(Array.from(toScreen(xy, bounds, 220, 120, zoomed, 10))).toEqual([-90, 160, 310, -40, 110, 60]);
    const moved = panBy(zoomed, 5, -5);
    expect(Array.from(toScreen(xy, bounds, 220, 120, moved, 10)).slice(4)).toEqual([115, 55]);
  });

  it('zoom keeps the point under the cursor fixed and is clamped', () => {
    const view = zoomAt(zoomAt(IDENTITY_VIEW, 3, 40, 70), 0.5, 40, 70);
    expect(40 * view.scale + view.offsetX).toBeCloseTo(40, 9);
    expect(70 * view.scale + view.offsetY).toBeCloseTo(70, 9);
    expect(zoomAt(IDENTITY_VIEW, 1e6, 0, 0).scale).toBe(200);
  });

  it('finds the nearest point within the hover radius, else -1', () => {
    const screen = Float32Array.from([0, 0, 10, 10, 12, 10]);
    expect(nearestPoint(screen, 11.5, 10, 5)).toBe(2);
    expect(nearestPoint(screen, 1, 1, 5)).toBe(0);
    expect(nearestPoint(screen, 50, 50, 5)).toBe(-1);
  });
});
