// A few sample images per class, copied out of a decoded split so the UI can show what each class
// looks like. The copy is small (classes × perClass images) and is transferred to the UI thread,
// so the UI never sees the dataset itself.

import type { ClassThumbnails } from './datasetTypes';
import { imageAt, type ImageSet } from './store';

/**
 * The first `perClass` images of each class (and of the unlabelled ones) in `set` order. Classes past
 * `maxClasses` are left out: a 1000-class dataset would otherwise ship a 4000-image strip.
 */
export function pickThumbnails(set: ImageSet, classCount: number, perClass: number, maxClasses = 100): ClassThumbnails {
  const shown = Math.min(classCount, maxClasses);
  // Slot `shown` collects the unlabelled images (label -1).
  const picks: number[][] = Array.from({ length: shown + 1 }, () => []);
  let missing = (shown + 1) * perClass;
  for (let i = 0; i < set.count && missing > 0; i++) {
    const label = set.labels[i];
    if (label >= shown) continue;
    const slot = label < 0 ? shown : label;
    if (picks[slot].length >= perClass) continue;
    picks[slot].push(i);
    missing--;
  }
  const groups: ClassThumbnails['groups'] = [];
  const order: number[] = [];
  picks.forEach((indices, slot) => {
    if (slot === shown && indices.length === 0) return;
    groups.push({ label: slot === shown ? -1 : slot, count: indices.length });
    order.push(...indices);
  });
  const per = set.size * set.size * 3;
  const pixels = new Uint8Array(order.length * per);
  order.forEach((index, k) => pixels.set(imageAt(set, index), k * per));
  return { size: set.size, groups, pixels };
}
