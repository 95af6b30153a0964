// The natural-image half of the OOD set: the built-in notMNIST letters or the user's files,
// decoded through the same importer as any dataset, at the model's image size. Decoded once per
// (source, size) and cached; a new source replaces the cache. Loading runs in the background so it
// never holds up the message queue or training.

import { importDataset, type ImportInput } from '../data/importer';
import type { ImageDecoder, ImageSet } from '../data/store';
import type { OodSetInfo } from '../eval/evalTypes';
import { concatImageSets } from '../eval/subsets';
import type { OodSource } from '../data/datasetTypes';

export interface NaturalOod {
  name: string;
  set: ImageSet;
}

export type OodListener = (info: OodSetInfo, set: ImageSet | null) => void;

function nameOf(source: OodSource): string {
  if (source.kind === 'url') return source.name;
  if (source.files.length === 1) return source.files[0].name;
  const first = source.files[0];
  const root = (first?.webkitRelativePath || '').split('/')[0];
  return root || `${source.files.length} files`;
}

async function inputsOf(source: OodSource): Promise<ImportInput[]> {
  if (source.kind === 'url') {
    const response = await fetch(source.url);
    if (!response.ok) throw new Error(`could not load ${source.url}: HTTP ${response.status}`);
    return [{ path: source.url.split('/').pop() || 'ood.zip', bytes: new Uint8Array(await response.arrayBuffer()) }];
  }
  // Loaders, not bytes: a large folder is read file by file while it is decoded.
  return source.files.map((file) => ({
    path: file.webkitRelativePath || file.name,
    bytes: async () => new Uint8Array(await file.arrayBuffer()),
  }));
}

export class OodProvider {
  private source: OodSource | null = null;
  private info: OodSetInfo | null = null;
  private cache: { source: OodSource; size: number; promise: Promise<NaturalOod | null> } | null = null;

  constructor(
    private readonly decode: ImageDecoder,
    private readonly listener: OodListener,
  ) {}

  /** Replaces the OOD source; the next load decodes it. */
  setSource(source: OodSource): void {
    this.source = source;
    this.cache = null;
    this.publish(
      {
        name: nameOf(source),
        origin: source.kind === 'url' ? 'builtin' : 'imported',
        state: 'pending',
        imageCount: null,
        skipped: 0,
        error: null,
      },
      null,
    );
  }

  /** What the UI is told about the set in use (a placeholder before any source is set). */
  current(): OodSetInfo {
    return this.info ?? { name: 'none', origin: 'builtin', state: 'failed', imageCount: null, skipped: 0, error: 'no OOD set was given' };
  }

  /**
   * The decoded natural OOD images at `size`, or null when there are none (no source, a failed load,
   * or nothing decodable); the reason is in current().error. Never rejects.
   */
  load(size: number): Promise<NaturalOod | null> {
    const source = this.source;
    if (!source) return Promise.resolve(null);
    if (this.cache && this.cache.source === source && this.cache.size === size) return this.cache.promise;
    const promise = this.decodeSource(source, size);
    this.cache = { source, size, promise };
    return promise;
  }

  private async decodeSource(source: OodSource, size: number): Promise<NaturalOod | null> {
    const base = { name: nameOf(source), origin: source.kind === 'url' ? ('builtin' as const) : ('imported' as const) };
    const stale = () => this.source !== source;
    this.publish({ ...base, state: 'loading', imageCount: null, skipped: 0, error: null }, null);
    try {
      const dataset = await importDataset(base.name, await inputsOf(source), { imageSize: size, decode: this.decode });
      const set = concatImageSets([dataset.train, dataset.test], size);
      if (stale()) return null;
      if (set.count === 0) {
        this.publish(
          { ...base, state: 'failed', imageCount: 0, skipped: dataset.skipped.length, error: 'no image in it could be decoded' },
          null,
        );
        return null;
      }
      this.publish({ ...base, state: 'ready', imageCount: set.count, skipped: dataset.skipped.length, error: null }, set);
      return { name: base.name, set };
    } catch (error) {
      if (!stale()) {
        this.publish(
          { ...base, state: 'failed', imageCount: null, skipped: 0, error: error instanceof Error ? error.message : String(error) },
          null,
        );
      }
      return null;
    }
  }

  private publish(info: OodSetInfo, set: ImageSet | null): void {
    this.info = info;
    this.listener(info, set);
  }
}
