// Keeps chart rendering cheap however long a run trains: at most `maxPoints` points per series.

/** Picks evenly spaced points, always keeping the first and the last. */
export function downsample<T>(points: readonly T[], maxPoints: number): T[] {
  if (points.length <= maxPoints) return points.slice();
  if (maxPoints < 2) return points.slice(-1);
  const result: T[] = [];
  const stride = (points.length - 1) / (maxPoints - 1);
  for (let i = 0; i < maxPoints; i++) result.push(points[Math.round(i * stride)]);
  return result;
}
