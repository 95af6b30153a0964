// The in-memory dataset: one compact RGB byte array per split plus int labels. Nothing here keeps a
// File, Blob or bitmap, so a dataset costs exactly count*S*S*3 bytes (+4 bytes/label) per split.

import type { DatasetSummary, SkippedFile } from './datasetTypes';

export interface ImageSet {
  size: number;
  count: number;
  /** count*size*size*3 bytes, RGB, row-major, image after image. */
  pixels: Uint8Array;
  /** One per image; -1 = unlabelled. */
  labels: Int32Array;
}

export interface Dataset {
  name: string;
  classNames: string[];
  train: ImageSet;
  test: ImageSet;
  skipped: SkippedFile[];
}

/** What a decoder returns: exactly size*size*3 RGB bytes, or why it could not. */
export type DecodedImage = { ok: true; rgb: Uint8Array } | { ok: false; reason: string };

/**
 * Facts sniffed from the bytes before decoding: the MIME type from the magic bytes, and the size when
 * the header gave it (PNG/JPEG/GIF/WebP/BMP), so the decoder can crop without a second pass.
 */
export interface ImageInfo {
  mime: string;
  width?: number;
  height?: number;
}

/**
 * Turns encoded image bytes into size*size*3 RGB (centre-crop, area-resample, alpha over a fixed
 * background, gray to RGB). Injected so the import pipeline runs in Node with a fake decoder; the
 * browser one is decodeImage.ts.
 */
export type ImageDecoder = (bytes: Uint8Array, name: string, size: number, info?: ImageInfo) => Promise<DecodedImage>;

export function emptySet(size: number): ImageSet {
  return { size, count: 0, pixels: new Uint8Array(0), labels: new Int32Array(0) };
}

/** Images per class, ignoring unlabelled (-1) ones. */
export function countPerClass(set: ImageSet, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < set.count; i++) {
    const l = set.labels[i];
    if (l >= 0 && l < classes) counts[l]++;
  }
  return counts;
}

export function summarize(d: Dataset): DatasetSummary {
  return {
    name: d.name,
    trainCount: d.train.count,
    testCount: d.test.count,
    imageSize: d.train.size,
    classNames: d.classNames.slice(),
    trainPerClass: countPerClass(d.train, d.classNames.length),
    skipped: d.skipped.slice(),
  };
}

/** One image's bytes as a view (no copy). */
export function imageAt(set: ImageSet, i: number): Uint8Array {
  const d = set.size * set.size * 3;
  return set.pixels.subarray(i * d, (i + 1) * d);
}
