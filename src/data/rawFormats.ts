// Raw-pixel dataset formats that carry their own labels: CIFAR-10/100 .bin batches (+ their class-name
// files) and IDX image/label pairs. Files are collected during the scan and resolved at the end, since
// a batch's names file or an images file's labels may come later in the drop.

import { CIFAR100_COARSE_META, CIFAR100_META, CIFAR10_META, cifarSplitHint, cifarVariant, parseCifar, parseNameList } from './cifar';
import { idxPairKey, idxSplitHint, parseIdx, type IdxArray } from './idx';
import type { RawGroup, SplitHint } from './importTypes';
import { baseName, extOf } from './paths';
import type { FileKind } from './sniff';

type Skip = (name: string, reason: string) => void;

interface Meta {
  dir: string;
  file: string;
  names: string[];
  display: string;
  used: boolean;
}
interface Held {
  dir: string;
  name: string;
  display: string;
  bytes: Uint8Array;
  split: SplitHint;
}
interface HeldIdx extends Held {
  arr: IdxArray;
}

const META_FILES = [CIFAR10_META, CIFAR100_META, CIFAR100_COARSE_META];

export class RawCollector {
  private metas: Meta[] = [];
  private bins: Held[] = [];
  private idxImages: HeldIdx[] = [];
  private idxLabels: HeldIdx[] = [];

  constructor(private readonly skip: Skip) {}

  /** Takes the file if it belongs to a raw format (returns true: consumed, possibly as a skip). */
  offer(segments: string[], display: string, bytes: Uint8Array, kind: FileKind, split: SplitHint): boolean {
    const name = baseName(segments);
    const dir = segments.slice(0, -1).join('/');
    if (kind === 'text' && META_FILES.includes(name.toLowerCase())) {
      const text = new TextDecoder('utf-8').decode(bytes);
      this.metas.push({ dir, file: name.toLowerCase(), names: parseNameList(text), display, used: false });
      return true;
    }
    // A .bin has no magic number; its name and size are all there is. Real magic (PNG, zip...) wins.
    if (extOf(name) === 'bin' && (kind === 'unknown' || kind === 'text' || kind === 'ico')) {
      if (cifarVariant(bytes.length, true) === null) {
        this.skip(display, '.bin file that is not a whole number of CIFAR-10 (3073-byte) or CIFAR-100 (3074-byte) records');
      } else this.bins.push({ dir, name, display, bytes, split });
      return true;
    }
    if (kind === 'idx') {
      const arr = parseIdx(bytes);
      if ('error' in arr) this.skip(display, arr.error);
      else if (arr.dims.length === 1) this.idxLabels.push({ dir, name, display, bytes, split, arr });
      else if (arr.dims.length === 3 || (arr.dims.length === 4 && (arr.dims[3] === 1 || arr.dims[3] === 3))) {
        this.idxImages.push({ dir, name, display, bytes, split, arr });
      } else this.skip(display, `IDX array of shape [${arr.dims.join(', ')}] is neither images nor labels`);
      return true;
    }
    return false;
  }

  resolve(): RawGroup[] {
    const groups = [...this.resolveCifar(), ...this.resolveIdx()];
    for (const m of this.metas) if (!m.used) this.skip(m.display, 'CIFAR class-name file with no CIFAR .bin batch to name');
    return groups;
  }

  private findMeta(file: string, dir: string): Meta | undefined {
    const all = this.metas.filter((m) => m.file === file);
    return all.find((m) => m.dir === dir) ?? all[0];
  }

  private resolveCifar(): RawGroup[] {
    const has100 = this.metas.some((m) => m.file === CIFAR100_META);
    const groups: RawGroup[] = [];
    for (const b of this.bins) {
      const variant = cifarVariant(b.bytes.length, has100)!;
      const batch = parseCifar(b.bytes, variant);
      const meta = this.findMeta(variant === 'cifar10' ? CIFAR10_META : CIFAR100_META, b.dir);
      if (meta) meta.used = true;
      if (variant === 'cifar100') {
        const coarse = this.findMeta(CIFAR100_COARSE_META, b.dir);
        if (coarse) coarse.used = true; // read for completeness; fine labels are the classes
      }
      let maxLabel = -1;
      for (let i = 0; i < batch.count; i++) maxLabel = Math.max(maxLabel, batch.label(i));
      const names = meta?.names ?? [];
      const classNames = numberedNames(names, Math.max(names.length, maxLabel + 1));
      groups.push({
        display: b.display,
        bytes: b.bytes,
        count: batch.count,
        width: 32,
        height: 32,
        layout: 'rgb-planar',
        offset: batch.pixelOffset,
        label: batch.label,
        classNames,
        split: b.split ?? cifarSplitHint(b.name),
      });
    }
    return groups;
  }

  private resolveIdx(): RawGroup[] {
    const labelsByKey = new Map<string, HeldIdx>();
    for (const l of this.idxLabels) labelsByKey.set(idxPairKey(`${l.dir}/${l.name}`), l);
    const groups: RawGroup[] = [];
    for (const im of this.idxImages) {
      const key = idxPairKey(`${im.dir}/${im.name}`);
      const lab = labelsByKey.get(key);
      labelsByKey.delete(key);
      const [n, h, w] = im.arr.dims;
      const rgb = im.arr.dims.length === 4 && im.arr.dims[3] === 3;
      const stride = h * w * (rgb ? 3 : 1);
      if (lab && lab.arr.dims[0] !== n) {
        this.skip(im.display, `IDX images (${n}) and labels (${lab.arr.dims[0]}) do not match in count`);
        this.skip(lab.display, `IDX labels (${lab.arr.dims[0]}) and images (${n}) do not match in count`);
        continue;
      }
      let maxLabel = -1;
      if (lab) for (let i = 0; i < n; i++) maxLabel = Math.max(maxLabel, lab.bytes[lab.arr.offset + i]);
      groups.push({
        display: im.display,
        bytes: im.bytes,
        count: n,
        width: w,
        height: h,
        layout: rgb ? 'rgb' : 'gray',
        offset: (i) => im.arr.offset + i * stride,
        label: lab ? (i) => lab.bytes[lab.arr.offset + i] : () => -1,
        classNames: numberedNames([], maxLabel + 1),
        split: im.split ?? idxSplitHint(im.name),
      });
    }
    for (const l of labelsByKey.values()) this.skip(l.display, 'IDX labels with no matching images file');
    return groups;
  }
}

/** Names from a names file, padded with numbers when labels go beyond it. */
function numberedNames(names: string[], count: number): string[] {
  const out = names.slice(0, count);
  for (let i = out.length; i < count; i++) out.push(String(i));
  return out;
}
