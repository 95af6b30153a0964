// A zip reader that looks before it inflates. It lists entries from the central directory (zip64
// aware) and, when that is missing or is not this file's (a truncated zip whose last bytes hold an
// inner zip's directory), recovers entries by walking local headers. Sizes come from the headers,
// so callers can refuse an entry or an archive before a single byte is inflated.

import { inflateExact } from './inflate';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  localOffset: number;
  /** Set when the walk hit end of file inside this entry (its data is not all there). */
  truncated?: boolean;
}

export interface ZipListing {
  entries: ZipEntry[];
  /** 'central' = read from the central directory; 'local' = recovered from local headers. */
  source: 'central' | 'local';
}

export class ZipError extends Error {}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOC = 0x07064b50;
const SIG_DESCRIPTOR = 0x08074b50;

const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
const u64 = (b: Uint8Array, o: number) => u32(b, o) + u32(b, o + 4) * 4294967296;
const utf8 = new TextDecoder('utf-8');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// Names without the UTF-8 flag are CP437 by spec, but macOS and Linux tools write UTF-8 without setting
// the flag: try strict UTF-8 first, then latin1 (keeps ASCII exact and never throws).
const latin1 = new TextDecoder('latin1');

export function looksLikeZip(b: Uint8Array): boolean {
  return b.length >= 4 && (u32(b, 0) === SIG_LOCAL || u32(b, 0) === SIG_EOCD);
}

export function listZip(bytes: Uint8Array): ZipListing {
  const central = readCentral(bytes);
  if (central) return { entries: central, source: 'central' };
  const local = walkLocal(bytes);
  if (local.length === 0) throw new ZipError('not a readable zip (no directory, no entries)');
  return { entries: local, source: 'local' };
}

/** The entry's uncompressed bytes (a view for stored entries). Sizes must be checked by the caller. */
export function readZipEntry(bytes: Uint8Array, e: ZipEntry): Uint8Array {
  if (e.truncated) throw new ZipError('cut off by the end of the archive');
  if (e.flags & 1) throw new ZipError('encrypted');
  const o = e.localOffset;
  if (o + 30 > bytes.length || u32(bytes, o) !== SIG_LOCAL) throw new ZipError('local header missing or damaged');
  const start = o + 30 + u16(bytes, o + 26) + u16(bytes, o + 28);
  const end = start + e.compressedSize;
  if (end > bytes.length) throw new ZipError('cut off by the end of the archive');
  const data = bytes.subarray(start, end);
  if (e.method === 0) {
    if (e.compressedSize !== e.size) throw new ZipError('stored entry with inconsistent sizes');
    return data;
  }
  if (e.method === 8) return inflateExact(data, e.size);
  throw new ZipError(`compression method ${e.method} not supported (only stored and deflate)`);
}

function decodeName(b: Uint8Array, flags: number): string {
  if (flags & 0x800) return utf8.decode(b);
  try {
    return strictUtf8.decode(b);
  } catch {
    return latin1.decode(b);
  }
}

/** Fills 0xFFFFFFFF fields from a zip64 extra field (id 1), in the order the spec gives. */
function zip64Fields(extra: Uint8Array, vals: number[]): void {
  for (let p = 0; p + 4 <= extra.length;) {
    const id = u16(extra, p);
    const len = u16(extra, p + 2);
    if (id === 1) {
      let q = p + 4;
      for (let i = 0; i < vals.length; i++) {
        if (vals[i] === 0xffffffff && q + 8 <= p + 4 + len) {
          vals[i] = u64(extra, q);
          q += 8;
        }
      }
      return;
    }
    p += 4 + len;
  }
}

function findEocd(b: Uint8Array): number {
  const min = Math.max(0, b.length - 22 - 0xffff);
  for (let p = b.length - 22; p >= min; p--) {
    if (b[p] === 0x50 && u32(b, p) === SIG_EOCD) return p;
  }
  return -1;
}

function readCentral(b: Uint8Array): ZipEntry[] | null {
  const eocd = findEocd(b);
  // The directory must end the file (allowing its comment); otherwise this is an embedded zip's.
  if (eocd < 0 || eocd + 22 + u16(b, eocd + 20) !== b.length) return null;
  let count = u16(b, eocd + 10);
  let cdSize = u32(b, eocd + 12);
  let cdOffset = u32(b, eocd + 16);
  let cdEnd = eocd;
  const loc = eocd - 20;
  if (loc >= 0 && u32(b, loc) === SIG_EOCD64_LOC) {
    const e64 = u64(b, loc + 8);
    if (e64 + 56 <= b.length && u32(b, e64) === SIG_EOCD64) {
      count = u64(b, e64 + 32);
      cdSize = u64(b, e64 + 40);
      cdOffset = u64(b, e64 + 48);
      cdEnd = e64;
    }
  }
  // Data prepended to the archive (self-extractors) shifts every offset by the same amount.
  const shift = cdEnd - cdSize - cdOffset;
  if (shift < 0 || cdOffset + shift + 4 > b.length) return null;
  if (count > 0 && u32(b, cdOffset + shift) !== SIG_CENTRAL) return null;
  const entries: ZipEntry[] = [];
  let p = cdOffset + shift;
  for (let i = 0; i < count; i++) {
    if (p + 46 > b.length || u32(b, p) !== SIG_CENTRAL) return null;
    const flags = u16(b, p + 8);
    const nameLen = u16(b, p + 28);
    const extraLen = u16(b, p + 30);
    const commentLen = u16(b, p + 32);
    const vals = [u32(b, p + 24), u32(b, p + 20), u32(b, p + 42)];
    zip64Fields(b.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen), vals);
    entries.push({
      name: decodeName(b.subarray(p + 46, p + 46 + nameLen), flags),
      method: u16(b, p + 10),
      flags,
      size: vals[0],
      compressedSize: vals[1],
      localOffset: vals[2] + shift,
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Recovery path: follow local headers from the start; stop at the directory or at the end. */
function walkLocal(b: Uint8Array): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let p = 0;
  while (p + 4 <= b.length) {
    const sig = u32(b, p);
    if (sig === SIG_CENTRAL || sig === SIG_EOCD) break;
    if (sig === SIG_LOCAL && p + 30 > b.length) {
      entries.push(partial(b, p, 0, 0));
      break;
    }
    if (sig !== SIG_LOCAL) {
      // Resynchronise on the next local header (damaged bytes between entries).
      const next = indexOfSig(b, SIG_LOCAL, p + 1);
      if (next < 0) break;
      p = next;
      continue;
    }
    const flags = u16(b, p + 6);
    const nameLen = u16(b, p + 26);
    const extraLen = u16(b, p + 28);
    const dataStart = p + 30 + nameLen + extraLen;
    const vals = [u32(b, p + 22), u32(b, p + 18)];
    if (dataStart > b.length) {
      entries.push(partial(b, p, flags, nameLen));
      break;
    }
    zip64Fields(b.subarray(p + 30 + nameLen, dataStart), vals);
    const e: ZipEntry = {
      name: decodeName(b.subarray(p + 30, p + 30 + nameLen), flags),
      method: u16(b, p + 8),
      flags,
      size: vals[0],
      compressedSize: vals[1],
      localOffset: p,
    };
    if (flags & 8) {
      // Sizes follow the data in a descriptor; find one whose compressed size matches the distance.
      const found = findDescriptor(b, dataStart);
      if (!found) {
        entries.push({ ...e, truncated: true });
        break;
      }
      e.compressedSize = found.csize;
      e.size = found.usize;
      entries.push(e);
      p = found.next;
      continue;
    }
    if (dataStart + e.compressedSize > b.length) {
      entries.push({ ...e, truncated: true });
      break;
    }
    entries.push(e);
    p = dataStart + e.compressedSize;
  }
  return entries;
}

function partial(b: Uint8Array, p: number, flags: number, nameLen: number): ZipEntry {
  const cut = Math.min(b.length, p + 30 + nameLen) - (p + 30);
  const name = cut > 0 && cut === nameLen ? decodeName(b.subarray(p + 30, p + 30 + nameLen), flags) : `(entry at byte ${p}, name cut off)`;
  return { name, method: 0, flags, size: 0, compressedSize: 0, localOffset: p, truncated: true };
}

function indexOfSig(b: Uint8Array, sig: number, from: number): number {
  for (let q = from; q + 4 <= b.length; q++) if (b[q] === 0x50 && u32(b, q) === sig) return q;
  return -1;
}

function findDescriptor(b: Uint8Array, dataStart: number): { csize: number; usize: number; next: number } | null {
  for (let q = indexOfSig(b, SIG_DESCRIPTOR, dataStart); q >= 0; q = indexOfSig(b, SIG_DESCRIPTOR, q + 1)) {
    if (q + 16 <= b.length && u32(b, q + 8) === q - dataStart) {
      return { csize: u32(b, q + 8), usize: u32(b, q + 12), next: q + 16 };
    }
    if (q + 24 <= b.length && u64(b, q + 8) === q - dataStart) {
      return { csize: u64(b, q + 8), usize: u64(b, q + 16), next: q + 24 };
    }
  }
  return null;
}
