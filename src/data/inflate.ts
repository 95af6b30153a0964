// Bounded decompression. fflate's streaming classes are fed small input chunks and their output is
// counted as it appears, so an entry that inflates past its declared (already limit-checked) size
// is stopped within one chunk instead of filling memory: a lying header cannot become a bomb.

import { Gunzip, Inflate } from 'fflate';

/** Input is fed in chunks this big; deflate expands at most ~1032x, so one push yields <= ~16 MiB. */
const CHUNK = 16 * 1024;

export class InflateError extends Error {}

/** Inflates raw deflate data whose uncompressed size is known (zip entries). */
export function inflateExact(data: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let n = 0;
  const inf = new Inflate((chunk) => {
    if (n + chunk.length > size) throw new InflateError('inflates past its declared size (corrupt or hostile)');
    out.set(chunk, n);
    n += chunk.length;
  });
  feed(data, (c, last) => inf.push(c, last));
  if (n !== size) throw new InflateError(`inflated to ${n} bytes, header says ${size} (corrupt or truncated)`);
  return out;
}

/** The size a gzip file declares in its trailer (mod 2^32), or -1 if too short to be gzip. */
export function gzipDeclaredSize(data: Uint8Array): number {
  if (data.length < 18) return -1;
  const e = data.length;
  return (data[e - 4] | (data[e - 3] << 8) | (data[e - 2] << 16) | (data[e - 1] << 24)) >>> 0;
}

/** Gunzips all members, refusing output beyond maxBytes as soon as it appears. */
export function gunzipBounded(data: Uint8Array, maxBytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let n = 0;
  const gz = new Gunzip((chunk) => {
    n += chunk.length;
    if (n > maxBytes) throw new InflateError(`decompresses past the ${maxBytes}-byte limit`);
    parts.push(chunk.slice());
  });
  feed(data, (c, last) => gz.push(c, last));
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function feed(data: Uint8Array, push: (chunk: Uint8Array, last: boolean) => void): void {
  if (data.length === 0) {
    push(data, true);
    return;
  }
  for (let i = 0; i < data.length; i += CHUNK) {
    const end = Math.min(i + CHUNK, data.length);
    push(data.subarray(i, end), end === data.length);
  }
}
