// Limits checked before work is done (from zip/gzip/image headers), so a hostile or huge input is
// refused cheaply instead of exhausting the worker's memory. Every value is overridable per import.

export interface ImportLimits {
  /** Files considered per import (loose files + archive entries, after junk is ignored). */
  maxFiles: number;
  /** Uncompressed bytes of one file: a zip entry, a gzip member, or a loose file. */
  maxEntryBytes: number;
  /** Sum of the declared uncompressed sizes of one zip archive's entries. */
  maxArchiveBytes: number;
  /** Width*height of one image, read from its header before decoding. */
  maxPixels: number;
  /** Bytes of the final RGB store (all splits), i.e. images * S*S*3. */
  maxStoreBytes: number;
  /** Images decoded at once, and the pixel budget shared by those in flight. */
  decodeConcurrency: number;
  maxPixelsInFlight: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: ImportLimits = {
  // Big enough for ImageNet-sized folders, small enough that the entry list stays a few MB.
  maxFiles: 200_000,
  // Fits CIFAR-100's train.bin (147 MiB) and MNIST's train images (45 MiB); refuses the 512 MiB bomb.
  // One such entry is inflated at a time (plus up to decodeConcurrency images awaiting decode).
  maxEntryBytes: 256 * MiB,
  // Entries are inflated one at a time, so this bounds time more than memory.
  maxArchiveBytes: 4096 * MiB,
  // 50 MP admits 48 MP phone photos; refuses 8000x8000 (64 MP) and 50000x50000. A decoded 50 MP
  // RGBA bitmap is 200 MB transient, which a worker can afford once at a time.
  maxPixels: 50_000_000,
  // 1 GiB of pixels = 350k images at 32x32; well beyond what a browser GPU trains on.
  maxStoreBytes: 1024 * MiB,
  // Decoding is async in the browser (decoder threads); a few in flight keeps them busy.
  decodeConcurrency: 8,
  // Large images decode one at a time: a small image costs its pixels, a huge one takes the budget.
  maxPixelsInFlight: 64_000_000,
};

export function resolveLimits(partial?: Partial<ImportLimits>): ImportLimits {
  return { ...DEFAULT_LIMITS, ...(partial ?? {}) };
}

export function formatBytes(n: number): string {
  if (n >= 1024 * MiB) return `${(n / 1024 / MiB).toFixed(1)} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
