// Content sniffing by magic bytes: a file's extension is a hint from a person, its first bytes are
// the truth. Only formats the importer acts on get a kind; everything else is named for the reason.

export type FileKind =
  | 'empty'
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'webp'
  | 'bmp'
  | 'avif'
  | 'heic'
  | 'tiff'
  | 'ico'
  | 'zip'
  | 'gzip'
  | 'idx'
  | 'svg'
  | 'html'
  | 'pdf'
  | 'text'
  | 'unknown';

/** Kinds handed to the image decoder. */
export const IMAGE_KINDS: ReadonlySet<FileKind> = new Set(['png', 'jpeg', 'gif', 'webp', 'bmp', 'avif', 'heic', 'tiff', 'ico']);

export const MIME: Partial<Record<FileKind, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  avif: 'image/avif',
  heic: 'image/heic',
  tiff: 'image/tiff',
  ico: 'image/x-icon',
};

const ascii = (b: Uint8Array, o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));

export function sniff(b: Uint8Array): FileKind {
  if (b.length === 0) return 'empty';
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (b.length >= 18 && b[0] === 0x42 && b[1] === 0x4d && [12, 40, 52, 56, 64, 108, 124].includes(b[14] | (b[15] << 8))) return 'bmp';
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp') {
    const brands = ascii(b, 8, Math.min(b.length - 8, 32));
    if (/avif|avis/.test(brands)) return 'avif';
    if (/hei[cxsm]|hev[cx]|mif1|msf1/.test(brands)) return 'heic';
  }
  if (
    b.length >= 4 &&
    ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 42 && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 42))
  )
    return 'tiff';
  if (b.length >= 6 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0 && b[4] > 0) return 'ico';
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6))) return 'zip';
  if (b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 8) return 'gzip';
  if (isIdxHeader(b)) return 'idx';
  if (b.length >= 5 && ascii(b, 0, 5) === '%PDF-') return 'pdf';
  return sniffText(b);
}

/** IDX: two zero bytes, a type code, a dimension count, and a file size that matches the dims. */
export function isIdxHeader(b: Uint8Array): boolean {
  if (b.length < 8 || b[0] !== 0 || b[1] !== 0) return false;
  const elem = ({ 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 } as Record<number, number>)[b[2]];
  const nd = b[3];
  if (!elem || nd < 1 || nd > 4 || b.length < 4 + 4 * nd) return false;
  let n = elem;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < nd; i++) n *= dv.getUint32(4 + 4 * i);
  return b.length === 4 + 4 * nd + n;
}

function sniffText(b: Uint8Array): FileKind {
  const n = Math.min(b.length, 1024);
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 9 || c === 10 || c === 13 || (c >= 32 && c !== 127)) printable++;
    else if (c === 0) return 'unknown';
  }
  if (printable < n * 0.95) return 'unknown';
  const head = new TextDecoder('utf-8')
    .decode(b.subarray(0, n))
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'svg';
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.includes('<html')) return 'html';
  return 'text';
}

/** One-line reasons for kinds the importer does not turn into images. */
export function kindReason(kind: FileKind): string {
  switch (kind) {
    case 'empty':
      return 'empty file (0 bytes)';
    case 'svg':
      return 'SVG is a vector drawing, not a pixel image';
    case 'html':
      return 'HTML page, not an image';
    case 'pdf':
      return 'PDF document, not an image';
    case 'text':
      return 'text file, not an image';
    case 'idx':
      return 'IDX file that is not 8-bit images or labels';
    default:
      return 'not a recognised image, archive or dataset file';
  }
}
