// Phase 1 of an import: walk every input (and every zip entry, one level of nested zip, gzip wrappers),
// sniff its content, check every limit that headers allow, and sort it into encoded images (decoded
// later), raw-format files (CIFAR/IDX, resolved in rawFormats.ts) or skipped files with a reason.
// Entries are inflated one at a time and dropped; only what decoding needs is kept (or re-read).

import type { SkippedFile } from './datasetTypes';
import { gunzipBounded, gzipDeclaredSize } from './inflate';
import type { ImageItem, ImportInput, ImportProgress, ScanResult, SplitHint } from './importTypes';
import { formatBytes, type ImportLimits } from './limits';
import { baseName, checkPath, extOf, stripExt } from './paths';
import { RawCollector } from './rawFormats';
import { readImageHeader } from './imageHeader';
import { IMAGE_KINDS, MIME, kindReason, sniff } from './sniff';
import { listZip, readZipEntry, type ZipEntry } from './zip';

/** A zip inside a zip is opened; one more level down is refused (archives of archives of archives). */
const MAX_ZIP_DEPTH = 1;
/** Cap on individual skip lines; beyond it one summary line says how many more there were. */
const MAX_SKIP_LINES = 5000;

interface Ctx {
  limits: ImportLimits;
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  images: ImageItem[];
  raw: RawCollector;
  skipped: SkippedFile[];
  extraSkips: number;
  files: number;
  overLimit: number;
  discovered: number;
  lastYield: number;
  lastReport: number;
}

export async function scanInputs(
  inputs: ImportInput[],
  limits: ImportLimits,
  onProgress?: (p: ImportProgress) => void,
  signal?: AbortSignal,
): Promise<ScanResult> {
  const ctx: Ctx = {
    limits,
    signal,
    onProgress,
    images: [],
    raw: undefined as unknown as RawCollector,
    skipped: [],
    extraSkips: 0,
    files: 0,
    overLimit: 0,
    discovered: inputs.length,
    lastYield: Date.now(),
    lastReport: 0,
  };
  ctx.raw = new RawCollector((name, reason) => skip(ctx, name, reason));
  for (const input of inputs) {
    const check = checkPath(input.path);
    if (check.kind === 'ignore') continue;
    if (check.kind === 'unsafe') {
      skip(ctx, input.path, check.reason);
      continue;
    }
    const load = typeof input.bytes === 'function' ? input.bytes : constant(input.bytes);
    await visit(ctx, check.segments, input.path, load, input.split ?? null, 0);
  }
  const raws = ctx.raw.resolve();
  if (ctx.overLimit > 0) skip(ctx, `${ctx.overLimit} more files`, `over the ${limits.maxFiles}-file limit; not read`);
  if (ctx.extraSkips > 0) ctx.skipped.push({ name: `${ctx.extraSkips} more skipped files`, reason: 'not listed one by one' });
  report(ctx, true);
  return { images: ctx.images, raws, skipped: ctx.skipped };
}

const constant = (b: Uint8Array) => () => Promise.resolve(b);

function skip(ctx: Ctx, name: string, reason: string): void {
  if (ctx.skipped.length < MAX_SKIP_LINES) ctx.skipped.push({ name, reason });
  else ctx.extraSkips++;
}

function report(ctx: Ctx, force = false): void {
  const now = Date.now();
  if (!ctx.onProgress || (!force && now - ctx.lastReport < 50)) return;
  ctx.lastReport = now;
  ctx.onProgress({ phase: 'reading', done: ctx.files, total: Math.max(ctx.files, ctx.discovered) });
}

/** Long synchronous stretches would block the worker's message loop (and so the cancel button). */
async function breathe(ctx: Ctx): Promise<void> {
  ctx.signal?.throwIfAborted();
  if (Date.now() - ctx.lastYield < 30) return;
  report(ctx);
  await new Promise((r) => setTimeout(r, 0));
  ctx.lastYield = Date.now();
  ctx.signal?.throwIfAborted();
}

async function visit(
  ctx: Ctx,
  segments: string[],
  display: string,
  load: () => Promise<Uint8Array>,
  split: SplitHint,
  zipDepth: number,
  gunzipped = false,
): Promise<void> {
  await breathe(ctx);
  if (ctx.files >= ctx.limits.maxFiles) {
    ctx.overLimit++;
    return;
  }
  ctx.files++;
  let bytes: Uint8Array;
  try {
    bytes = await load();
  } catch (e) {
    skip(ctx, display, `could not be read: ${message(e)}`);
    return;
  }
  const name = baseName(segments);
  const kind = sniff(bytes);
  // Archives are limited by what they declare inside (checked before inflating), not by their own size.
  if (kind !== 'zip' && kind !== 'gzip' && bytes.length > ctx.limits.maxEntryBytes) {
    skip(ctx, display, `${formatBytes(bytes.length)} is over the ${formatBytes(ctx.limits.maxEntryBytes)} per-file limit`);
    return;
  }
  if (ctx.raw.offer(segments, display, bytes, kind, split)) return;
  if (IMAGE_KINDS.has(kind)) {
    const header = readImageHeader(bytes, kind);
    if (header && !header.ok) return skip(ctx, display, header.reason);
    if (header && header.width * header.height > ctx.limits.maxPixels) {
      return skip(
        ctx,
        display,
        `${header.width}x${header.height} image is over the ${(ctx.limits.maxPixels / 1e6).toFixed(0)}-megapixel limit; not decoded`,
      );
    }
    const mime = MIME[kind] ?? 'application/octet-stream';
    const info = header ? { mime, width: header.width, height: header.height } : { mime };
    ctx.images.push({ kind: 'image', segments, display, split, info, load });
    return;
  }
  if (kind === 'zip') {
    if (zipDepth > MAX_ZIP_DEPTH) return skip(ctx, display, 'zip nested more than one level deep; not opened');
    return scanZip(ctx, bytes, segments, display, split, zipDepth);
  }
  if (kind === 'gzip') {
    if (gunzipped) return skip(ctx, display, 'gzip inside gzip; not opened');
    const declared = gzipDeclaredSize(bytes);
    if (declared > ctx.limits.maxEntryBytes) {
      return skip(
        ctx,
        display,
        `gzip declares ${formatBytes(declared)}, over the ${formatBytes(ctx.limits.maxEntryBytes)} per-file limit; not inflated`,
      );
    }
    let inner: Uint8Array;
    try {
      inner = gunzipBounded(bytes, ctx.limits.maxEntryBytes);
    } catch (e) {
      return skip(ctx, display, `damaged gzip: ${message(e)}`);
    }
    ctx.files--; // the .gz and its content are one file
    const innerSegs = [...segments.slice(0, -1), extOf(name) === 'gz' ? stripExt(name) : name];
    return visit(ctx, innerSegs, display, constant(inner), split, zipDepth, true);
  }
  skip(ctx, display, kindReason(kind));
}

async function scanZip(
  ctx: Ctx,
  bytes: Uint8Array,
  segments: string[],
  display: string,
  split: SplitHint,
  zipDepth: number,
): Promise<void> {
  let entries: ZipEntry[];
  try {
    entries = listZip(bytes).entries;
  } catch (e) {
    return skip(ctx, display, `damaged zip: ${message(e)}`);
  }
  const kept: { e: ZipEntry; segs: string[] }[] = [];
  let declared = 0;
  for (const e of entries) {
    const check = checkPath(e.name);
    if (check.kind === 'ignore') continue;
    if (check.kind === 'unsafe') skip(ctx, `${display}: ${e.name}`, check.reason);
    else {
      kept.push({ e, segs: check.segments });
      declared += e.size;
    }
  }
  if (declared > ctx.limits.maxArchiveBytes) {
    return skip(
      ctx,
      display,
      `archive declares ${formatBytes(declared)} uncompressed, over the ${formatBytes(ctx.limits.maxArchiveBytes)} limit; not inflated`,
    );
  }
  ctx.discovered += kept.length;
  // Mount at a folder named after the zip, dropping the zip's own wrapper folder when it repeats that
  // name (cats.zip holding cats/...): so cats.zip + dogs.zip dropped together become two classes.
  const mount = [...segments.slice(0, -1), stripExt(baseName(segments))];
  const wrapper = kept.length > 0 && kept.every((k) => k.segs.length > 1 && k.segs[0] === mount[mount.length - 1]);
  for (const { e, segs } of kept) {
    const entryDisplay = `${display}: ${e.name}`;
    if (e.truncated) {
      skip(ctx, entryDisplay, 'cut off by the end of the archive (truncated zip)');
      continue;
    }
    if (e.size > ctx.limits.maxEntryBytes) {
      skip(
        ctx,
        entryDisplay,
        `declares ${formatBytes(e.size)} uncompressed, over the ${formatBytes(ctx.limits.maxEntryBytes)} per-file limit; not inflated`,
      );
      continue;
    }
    const load = async () => readZipEntry(bytes, e);
    const nextDepth = zipDepth + 1;
    await visit(ctx, [...mount, ...(wrapper ? segs.slice(1) : segs)], entryDisplay, load, split, nextDepth);
  }
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
