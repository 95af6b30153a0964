// Phase 2 of an import: labels and splits, decided from paths and formats before anything is decoded,
// so the store can be allocated once at its final size.
//  - Labels: formats that carry labels keep them, in their own order. Otherwise the first folder under
//    the dataset root is the class; single wrapper folders (a zip's own name, 'data/', ...) are skipped;
//    loose images at the root are unlabelled (-1).
//  - Splits: explicit (ImportInput.split), or train/ + test/ folders, or names like test_batch / t10k;
//    otherwise a seeded, stratified hold-out (default 10%).

import type { SkippedFile } from './datasetTypes';
import type { ImageItem, RawGroup, ScanResult, Split, SplitHint } from './importTypes';
import { mixSeed, mulberry32, shuffleInPlace } from '../random';

export type Ref = { kind: 'image'; item: ImageItem } | { kind: 'raw'; group: RawGroup; index: number };
export interface Planned {
  ref: Ref;
  label: number;
}
export interface Plan {
  classNames: string[];
  train: Planned[];
  test: Planned[];
  skipped: SkippedFile[];
}

const TRAIN_NAMES = ['train', 'training'];
// Prefer a real test folder; a validation folder stands in only when there is none.
const TEST_NAMES = ['test', 'testing', 'val', 'valid', 'validation'];

interface Rec extends Planned {
  hint: SplitHint;
}

export function planDataset(scan: ScanResult, seed: number, testFraction: number): Plan {
  const classNames: string[] = [];
  const classIndex = new Map<string, number>();
  const classOf = (name: string | null): number => {
    if (name === null) return -1;
    let i = classIndex.get(name);
    if (i === undefined) {
      i = classNames.length;
      classIndex.set(name, i);
      classNames.push(name);
    }
    return i;
  };
  const skipped: SkippedFile[] = [];
  const recs: Rec[] = [];
  for (const group of scan.raws) {
    const map = group.classNames.map((n) => classOf(n));
    for (let i = 0; i < group.count; i++) {
      const l = group.label(i);
      recs.push({ ref: { kind: 'raw', group, index: i }, label: l >= 0 ? map[l] : -1, hint: group.split });
    }
  }
  const labelled = labelByFolders(scan.images, (name, reason) => skipped.push({ name, reason }));
  // Assign class ids in the order images were given (the dataset's own order), not sorted.
  const byItem = new Map(labelled.map((l) => [l.item, l]));
  for (const item of scan.images) {
    const l = byItem.get(item);
    if (l) recs.push({ ref: { kind: 'image', item }, label: classOf(l.cls), hint: l.hint });
  }
  const test = chooseTest(recs, seed, testFraction);
  const train: Planned[] = [];
  const held: Planned[] = [];
  recs.forEach((r, i) => (test[i] ? held : train).push({ ref: r.ref, label: r.label }));
  return { classNames, train, test: held, skipped };
}

interface Labelled {
  item: ImageItem;
  cls: string | null;
  hint: SplitHint;
}

function labelByFolders(items: ImageItem[], skip: (name: string, reason: string) => void): Labelled[] {
  if (items.some((i) => i.split !== null)) {
    const out: Labelled[] = [];
    for (const hint of ['train', 'test', null] as SplitHint[])
      out.push(
        ...labelWithin(
          items.filter((i) => i.split === hint),
          hint,
          0,
        ),
      );
    return out;
  }
  const d = wrapperDepth(
    items.map((i) => i.segments),
    0,
  );
  const tops = new Set(items.filter((i) => i.segments.length > d + 1).map((i) => i.segments[d]));
  const find = (names: string[]) => names.map((n) => [...tops].find((t) => t.toLowerCase() === n)).find((t) => t !== undefined);
  const trainDir = find(TRAIN_NAMES);
  const testDir = find(TEST_NAMES);
  if (trainDir === undefined || testDir === undefined) return labelWithin(items, null, d);
  const groups: Record<Split, ImageItem[]> = { train: [], test: [] };
  for (const item of items) {
    const top = item.segments.length > d + 1 ? item.segments[d] : undefined;
    if (top === trainDir) groups.train.push(item);
    else if (top === testDir) groups.test.push(item);
    else skip(item.display, `outside the ${trainDir}/ and ${testDir}/ folders that split this dataset`);
  }
  return [...labelWithin(groups.train, 'train', d + 1), ...labelWithin(groups.test, 'test', d + 1)];
}

function labelWithin(items: ImageItem[], hint: SplitHint, start: number): Labelled[] {
  const d = wrapperDepth(
    items.map((i) => i.segments),
    start,
  );
  return items.map((item) => ({ item, hint, cls: item.segments.length > d + 1 ? item.segments[d] : null }));
}

/** Skips folders that are alone at their level (a lone class folder would give a one-class dataset). */
export function wrapperDepth(paths: string[][], start: number): number {
  let d = start;
  while (paths.length > 0 && paths.every((p) => p.length >= d + 2 && p[d] === paths[0][d])) d++;
  return d;
}

/** Which records go to test: by hint when both splits are named, else a stratified seeded sample. */
function chooseTest(recs: Rec[], seed: number, fraction: number): boolean[] {
  const isTest = recs.map(() => false);
  const useHints = recs.some((r) => r.hint === 'train') && recs.some((r) => r.hint === 'test');
  const byLabel = new Map<number, number[]>();
  recs.forEach((r, i) => {
    if (useHints && r.hint !== null) isTest[i] = r.hint === 'test';
    else {
      const list = byLabel.get(r.label) ?? [];
      list.push(i);
      byLabel.set(r.label, list);
    }
  });
  const rand = mulberry32(mixSeed(seed, 0x5b117));
  for (const list of byLabel.values()) {
    const order = shuffleInPlace(list.slice(), rand);
    const n = Math.round(list.length * fraction);
    for (let k = 0; k < n; k++) isTest[order[k]] = true;
  }
  return isTest;
}
