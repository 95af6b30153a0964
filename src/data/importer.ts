// The import entry points: scan (scan.ts) -> plan labels and splits (layout.ts) -> fill one compact RGB
// store per split. Raw formats are resampled here in JS; encoded images go to the injected decoder with
// bounded concurrency and a shared pixel budget, so memory stays flat however many files arrive.

import type { SkippedFile } from './datasetTypes';
import type { ImageItem, ImportInput, ImportOptions } from './importTypes';
import { planDataset, type Planned } from './layout';
import { formatBytes, resolveLimits, type ImportLimits } from './limits';
import { resampleSquare } from './resample';
import { message, scanInputs } from './scan';
import type { Dataset, ImageDecoder, ImageSet } from './store';

export type { ImportInput, ImportOptions, ImportProgress, Split } from './importTypes';
export type { ImportLimits } from './limits';
export { DEFAULT_LIMITS } from './limits';

export async function importDataset(name: string, inputs: ImportInput[], opts: ImportOptions): Promise<Dataset> {
  const size = opts.imageSize;
  if (!Number.isInteger(size) || size < 1 || size > 1024) throw new Error(`image size ${size} must be an integer in 1..1024`);
  const limits = resolveLimits(opts.limits);
  const scan = await scanInputs(inputs, limits, opts.onProgress, opts.signal);
  const plan = planDataset(scan, opts.seed ?? 0, opts.testFraction ?? 0.1);
  const skipped: SkippedFile[] = [...scan.skipped, ...plan.skipped];
  capToStore(plan, size, limits, skipped);
  const filler = new Filler(size, opts, limits, skipped, plan.train.length + plan.test.length);
  const train = await filler.fill(plan.train);
  const test = await filler.fill(plan.test);
  filler.report(true);
  return { name, classNames: plan.classNames, train, test, skipped };
}

/** The built-in dataset: a train zip and a test zip, each used as its split as given. */
export async function importSplitZips(name: string, train: Uint8Array, test: Uint8Array, opts: ImportOptions): Promise<Dataset> {
  return importDataset(
    name,
    [
      { path: 'train.zip', bytes: train, split: 'train' },
      { path: 'test.zip', bytes: test, split: 'test' },
    ],
    opts,
  );
}

/** Keeps the same fraction of each split when the store would outgrow its byte limit. */
function capToStore(plan: { train: Planned[]; test: Planned[] }, size: number, limits: ImportLimits, skipped: SkippedFile[]): void {
  const per = size * size * 3;
  const total = plan.train.length + plan.test.length;
  const max = Math.floor(limits.maxStoreBytes / per);
  if (total <= max) return;
  const keep = max / total;
  const dropped = total - Math.floor(plan.train.length * keep) - Math.floor(plan.test.length * keep);
  plan.train.length = Math.floor(plan.train.length * keep);
  plan.test.length = Math.floor(plan.test.length * keep);
  skipped.push({
    name: `${dropped} images`,
    reason: `the ${formatBytes(limits.maxStoreBytes)} store holds ${max} images at ${size}x${size}; a smaller image size keeps more`,
  });
}

class Filler {
  private done = 0;
  private lastReport = 0;
  private lastYield = Date.now();
  private readonly decode: ImageDecoder;

  constructor(
    private readonly size: number,
    private readonly opts: ImportOptions,
    private readonly limits: ImportLimits,
    private readonly skipped: SkippedFile[],
    private readonly total: number,
  ) {
    this.decode = opts.decode;
  }

  report(force = false): void {
    const now = Date.now();
    if (!this.opts.onProgress || (!force && now - this.lastReport < 50)) return;
    this.lastReport = now;
    this.opts.onProgress({ phase: 'decoding', done: this.done, total: this.total });
  }

  async fill(items: Planned[]): Promise<ImageSet> {
    const per = this.size * this.size * 3;
    const pixels = new Uint8Array(items.length * per);
    const ok = new Uint8Array(items.length);
    const running = new Set<Promise<void>>();
    let budget = 0;
    const { decodeConcurrency, maxPixelsInFlight } = this.limits;
    for (let i = 0; i < items.length; i++) {
      this.opts.signal?.throwIfAborted();
      const ref = items[i].ref;
      if (ref.kind === 'raw') {
        const g = ref.group;
        resampleSquare(g.bytes, g.offset(ref.index), g.width, g.height, g.layout, this.size, pixels, i * per);
        ok[i] = 1;
        this.done++;
        await this.breathe();
        continue;
      }
      const info = ref.item.info;
      const cost = Math.min(info.width && info.height ? info.width * info.height : maxPixelsInFlight, maxPixelsInFlight);
      while (running.size >= decodeConcurrency || (running.size > 0 && budget + cost > maxPixelsInFlight)) {
        await Promise.race(running);
      }
      budget += cost;
      const job = this.decodeOne(ref.item, pixels, i * per).then((good) => {
        ok[i] = good ? 1 : 0;
        budget -= cost;
        this.done++;
        this.report();
        running.delete(job);
      });
      running.add(job);
    }
    await Promise.all(running);
    this.opts.signal?.throwIfAborted();
    return compact(items, pixels, ok, this.size);
  }

  /** Never throws: a failed image becomes a skip line. */
  private async decodeOne(item: ImageItem, out: Uint8Array, offset: number): Promise<boolean> {
    const per = this.size * this.size * 3;
    try {
      const bytes = await item.load();
      const r = await this.decode(bytes, item.display, this.size, item.info);
      if (!r.ok) {
        this.skipped.push({ name: item.display, reason: explainDecodeFailure(item, r.reason) });
        return false;
      }
      if (r.rgb.length !== per) throw new Error(`decoder returned ${r.rgb.length} bytes, expected ${per}`);
      out.set(r.rgb, offset);
      return true;
    } catch (e) {
      this.skipped.push({ name: item.display, reason: `could not be decoded: ${message(e)}` });
      return false;
    }
  }

  private async breathe(): Promise<void> {
    if (Date.now() - this.lastYield < 30) return;
    this.report();
    await new Promise((r) => setTimeout(r, 0));
    this.lastYield = Date.now();
  }
}

/** TIFF and HEIC are tried (Safari decodes them) but most browsers cannot: say so plainly. */
function explainDecodeFailure(item: ImageItem, reason: string): string {
  const mime = item.info.mime;
  if (mime === 'image/tiff') return "TIFF: this browser's image decoder does not support it";
  if (mime === 'image/heic') return "HEIC: this browser's image decoder does not support it";
  return reason;
}

/** Drops failed slots in place (copyWithin) so no second full-size buffer is needed. */
function compact(items: Planned[], pixels: Uint8Array, ok: Uint8Array, size: number): ImageSet {
  const per = size * size * 3;
  const labels = new Int32Array(items.length);
  let n = 0;
  for (let i = 0; i < items.length; i++) {
    if (!ok[i]) continue;
    if (n !== i) pixels.copyWithin(n * per, i * per, (i + 1) * per);
    labels[n++] = items[i].label;
  }
  return {
    size,
    count: n,
    pixels: n === items.length ? pixels : pixels.subarray(0, n * per),
    labels: n === items.length ? labels : labels.slice(0, n),
  };
}
