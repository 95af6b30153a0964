// The arithmetic of the embedding view, kept free of the DOM so it is tested in Node: class colours,
// fitting data to the canvas, zoom and pan, screen positions and the nearest point under the cursor.

/** Tableau-10 for the first ten classes (CIFAR-10 fits), then evenly spread hues. */
const TABLEAU = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
export const UNLABELLED_COLOR = '#9ca3af';
export const OOD_COLOR = '#111827';

export function classColor(label: number): string {
  if (label < 0) return UNLABELLED_COLOR;
  if (label < TABLEAU.length) return TABLEAU[label];
  const hue = (label * 137.508) % 360; // golden angle: neighbouring labels get distant hues
  return `hsl(${hue.toFixed(1)} 65% 50%)`;
}

/** Point indices per class, label -1 (unlabelled) last; computed once per probe set. */
export function groupByClass(labels: Int32Array, classCount: number): { label: number; indices: Int32Array }[] {
  const buckets = new Map<number, number[]>();
  labels.forEach((raw, i) => {
    const label = raw >= 0 && raw < classCount ? raw : -1;
    const list = buckets.get(label) ?? [];
    list.push(i);
    buckets.set(label, list);
  });
  return [...buckets.entries()]
    .sort(([a], [b]) => (a < 0 ? 1 : b < 0 ? -1 : a - b))
    .map(([label, list]) => ({ label, indices: Int32Array.from(list) }));
}

export interface Bounds {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** Bounds of the finite points of any number of x,y-interleaved arrays; a unit box when there are none. */
export function fitBounds(...sets: Float32Array[]): Bounds {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const xy of sets) {
    for (let i = 0; i + 1 < xy.length; i += 2) {
      const x = xy[i];
      const y = xy[i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (minX > maxX) return { minX: -1, maxX: 1, minY: -1, maxY: 1 };
  // A degenerate axis (all points equal) still gets a unit-wide box around them.
  if (maxX - minX < 1e-12) [minX, maxX] = [minX - 0.5, maxX + 0.5];
  if (maxY - minY < 1e-12) [minY, maxY] = [minY - 0.5, maxY + 0.5];
  return { minX, maxX, minY, maxY };
}

/** The person's zoom and pan, on top of the fit: screen = fit(data)·scale + offset. */
export interface Viewport {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export const IDENTITY_VIEW: Viewport = { scale: 1, offsetX: 0, offsetY: 0 };

/** Zooms by `factor` keeping the screen point (px, py) fixed under the cursor. */
export function zoomAt(view: Viewport, factor: number, px: number, py: number): Viewport {
  const scale = Math.min(200, Math.max(0.2, view.scale * factor));
  const f = scale / view.scale;
  return { scale, offsetX: px - (px - view.offsetX) * f, offsetY: py - (py - view.offsetY) * f };
}

export function panBy(view: Viewport, dx: number, dy: number): Viewport {
  return { ...view, offsetX: view.offsetX + dx, offsetY: view.offsetY + dy };
}

/**
 * Screen positions (x,y interleaved, CSS pixels) of data points for a canvas of width×height: the
 * bounds fill the canvas minus `pad` with equal scale on both axes (a projection has no preferred
 * aspect), y pointing up, then the viewport applies. Writes into `out` when it has the right length.
 */
export function toScreen(
  xy: Float32Array,
  bounds: Bounds,
  width: number,
  height: number,
  view: Viewport,
  pad = 12,
  out?: Float32Array,
): Float32Array {
  const result = out && out.length === xy.length ? out : new Float32Array(xy.length);
  const k = Math.min((width - 2 * pad) / (bounds.maxX - bounds.minX), (height - 2 * pad) / (bounds.maxY - bounds.minY));
  const cx = (bounds.minX + bounds.maxX) / 2;
  const cy = (bounds.minY + bounds.maxY) / 2;
  for (let i = 0; i + 1 < xy.length; i += 2) {
    const fx = width / 2 + (xy[i] - cx) * k;
    const fy = height / 2 - (xy[i + 1] - cy) * k;
    result[i] = fx * view.scale + view.offsetX;
    result[i + 1] = fy * view.scale + view.offsetY;
  }
  return result;
}

/** Index of the screen point nearest (px, py) within maxDistance CSS pixels, or -1. */
export function nearestPoint(screen: Float32Array, px: number, py: number, maxDistance: number): number {
  let best = -1;
  let bestD = maxDistance * maxDistance;
  for (let i = 0; i + 1 < screen.length; i += 2) {
    const dx = screen[i] - px;
    const dy = screen[i + 1] - py;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = i / 2;
    }
  }
  return best;
}
