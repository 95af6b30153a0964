// MNIST-style IDX files (raw or gunzipped before they get here). Images (3-D, u8) and labels (1-D, u8)
// arrive as separate files; they are paired by name ('t10k-images-idx3-ubyte' <-> 't10k-labels-idx1-ubyte').

export interface IdxArray {
  dims: number[];
  /** Offset of the first data byte. */
  offset: number;
  bytes: Uint8Array;
}

export function parseIdx(bytes: Uint8Array): IdxArray | { error: string } {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0) return { error: 'not an IDX file' };
  if (bytes[2] !== 0x08) return { error: `IDX element type 0x${bytes[2].toString(16)} is not unsigned bytes` };
  const nd = bytes[3];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(dv.getUint32(4 + 4 * i));
  const offset = 4 + 4 * nd;
  const n = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== offset + n)
    return { error: `IDX size mismatch (header says ${n} bytes of data, file has ${bytes.length - offset})` };
  return { dims, offset, bytes };
}

/** The name with 'images'/'labels' and 'idx3'/'idx1' blanked and '.gz' dropped, so a pair shares it. */
export function idxPairKey(path: string): string {
  return path
    .toLowerCase()
    .replace(/\.gz$/, '')
    .replace(/images|labels/g, '*')
    .replace(/idx\d/g, 'idx*');
}

export function idxSplitHint(name: string): 'train' | 'test' | null {
  const n = name.toLowerCase();
  if (n.includes('t10k') || n.includes('test')) return 'test';
  if (n.includes('train')) return 'train';
  return null;
}
