// Which dataset a reload loads, decided from what is stored. Pure, so the choice is tested in Node.

import type { DatasetSource } from '../data/datasetTypes';
import { BUILTIN_KEY, type ActiveDataset, type DatasetRecord, type RunRecord } from './db';

/**
 * The stored dataset that was in use, when it is still there; otherwise the built-in data, decoded at
 * the image size of the newest run trained on it (so its runs can be restored), or at the URL's size.
 */
export function restorePlan(
  active: ActiveDataset | null,
  runs: readonly RunRecord[],
  datasets: readonly DatasetRecord[],
  builtin: DatasetSource,
  imageSize: number,
): { source: DatasetSource; imageSize: number } {
  const stored = active?.kind === 'stored' ? datasets.find((d) => d.id === active.id) : undefined;
  if (stored) return { source: { kind: 'stored', id: stored.id, name: stored.name }, imageSize: stored.imageSize };
  const newest = runs.filter((r) => r.datasetKey === BUILTIN_KEY).sort((a, b) => b.savedAt - a.savedAt)[0];
  return { source: builtin, imageSize: newest ? newest.config.model.imageSize : imageSize };
}
