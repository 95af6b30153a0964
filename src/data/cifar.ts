// CIFAR-10 / CIFAR-100 binary batches. There is no magic number: a .bin is recognised by its name and
// a size that is a whole number of records (1 label + 3072 planar RGB bytes for CIFAR-10; coarse + fine
// label + 3072 for CIFAR-100). Labels are kept as stored, with names from the meta text files.

export type CifarVariant = 'cifar10' | 'cifar100';

export interface CifarBatch {
  variant: CifarVariant;
  count: number;
  /** Byte offset of record i's pixels (planar R, G, B planes of 32x32). */
  pixelOffset(i: number): number;
  label(i: number): number;
  bytes: Uint8Array;
}

const PIXELS = 3072;

/** Which variant a file of this size can be; CIFAR-10 wins ties unless CIFAR-100 meta is present. */
export function cifarVariant(byteLength: number, prefer100: boolean): CifarVariant | null {
  const is10 = byteLength > 0 && byteLength % (PIXELS + 1) === 0;
  const is100 = byteLength > 0 && byteLength % (PIXELS + 2) === 0;
  if (is10 && is100) return prefer100 ? 'cifar100' : 'cifar10';
  return is10 ? 'cifar10' : is100 ? 'cifar100' : null;
}

export function parseCifar(bytes: Uint8Array, variant: CifarVariant): CifarBatch {
  const head = variant === 'cifar10' ? 1 : 2;
  const rec = PIXELS + head;
  return {
    variant,
    count: Math.floor(bytes.length / rec),
    bytes,
    pixelOffset: (i) => i * rec + head,
    // CIFAR-100 records are <coarse><fine>: the fine label is the 100-class one.
    label: (i) => bytes[i * rec + head - 1],
  };
}

/** One class name per non-empty line (batches.meta.txt, fine_label_names.txt). */
export function parseNameList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export const CIFAR10_META = 'batches.meta.txt';
export const CIFAR100_META = 'fine_label_names.txt';
export const CIFAR100_COARSE_META = 'coarse_label_names.txt';

/** Batch names say which split they are (data_batch_N / train vs test_batch / test). */
export function cifarSplitHint(name: string): 'train' | 'test' | null {
  const n = name.toLowerCase();
  if (n.includes('test')) return 'test';
  if (n.includes('data_batch') || n.includes('train')) return 'train';
  return null;
}
