// Types shared by the import stages (scan -> layout -> fill). importer.ts re-exports the public ones.

import type { SkippedFile } from './datasetTypes';
import type { ImportLimits } from './limits';
import type { PixelLayout } from './resample';
import type { ImageDecoder, ImageInfo } from './store';

export type Split = 'train' | 'test';
export type SplitHint = Split | null;

/**
 * One dropped or picked file. `path` is relative to the dataset root, '/'-separated (a folder pick's
 * webkitRelativePath, a drop's traversal path, or a loose file's name). `bytes` may be a loader so a
 * large folder is read file by file instead of all at once. `split` forces the split of everything
 * in this input (used for the built-in train/test zips).
 */
export interface ImportInput {
  path: string;
  bytes: Uint8Array | (() => Promise<Uint8Array>);
  split?: Split;
}

export interface ImportProgress {
  phase: string;
  done: number;
  total: number;
}

export interface ImportOptions {
  imageSize: number;
  decode: ImageDecoder;
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
  /** Seed of the stratified split (default 0). */
  seed?: number;
  /** Fraction held out when the data has no train/test split of its own (default 0.1). */
  testFraction?: number;
  limits?: Partial<ImportLimits>;
}

/** An encoded image found by the scan: header checked, bytes re-read on demand when decoding. */
export interface ImageItem {
  kind: 'image';
  /** Path inside the dataset tree (zips mounted as folders), used for labels. */
  segments: string[];
  /** Name shown to the user if it is skipped. */
  display: string;
  split: SplitHint;
  info: ImageInfo;
  load: () => Promise<Uint8Array>;
}

/** Records of a raw-pixel format (a CIFAR batch, an IDX pair) that carries its own labels. */
export interface RawGroup {
  display: string;
  bytes: Uint8Array;
  count: number;
  width: number;
  height: number;
  layout: PixelLayout;
  offset: (i: number) => number;
  /** Label index into classNames, or -1 for unlabelled. */
  label: (i: number) => number;
  classNames: string[];
  split: SplitHint;
}

export interface ScanResult {
  images: ImageItem[];
  raws: RawGroup[];
  skipped: SkippedFile[];
}
