// Turns a DatasetSource into a decoded Dataset. The built-in data goes through the same zip importer
// as a user's zip.

import type { DatasetSource } from '../data/datasetTypes';
import { importDataset, importSplitZips, type ImportInput, type ImportOptions } from '../data/importer';
import type { Dataset } from '../data/store';
import { loadStoredDataset } from '../persist/session';

async function fetchBytes(url: string, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * One lazy input per file: the importer reads a file when it reaches it and drops the bytes after,
 * so a folder of 50,000 photos never sits in memory at once.
 */
export function fileInputs(files: readonly File[], paths?: readonly string[]): ImportInput[] {
  return files.map((file, i) => ({
    path: paths?.[i] || file.webkitRelativePath || file.name,
    bytes: async () => new Uint8Array(await file.arrayBuffer()),
  }));
}

/** A name a person recognises: the file, the picked folder, or the first file and how many more. */
export function datasetName(paths: readonly string[]): string {
  if (paths.length === 0) return 'empty selection';
  const split = paths.map((p) => p.split('/').filter(Boolean));
  if (paths.length === 1) return split[0][split[0].length - 1] ?? paths[0];
  const root = split[0][0];
  if (split.every((s) => s.length > 1 && s[0] === root)) return root;
  const first = split[0][split[0].length - 1] ?? paths[0];
  const more = paths.length - 1;
  return `${first} + ${more} more file${more === 1 ? '' : 's'}`;
}

export async function loadDataset(source: DatasetSource, options: ImportOptions): Promise<Dataset> {
  // Kept in IndexedDB already decoded: no import, no progress to show.
  if (source.kind === 'stored') return loadStoredDataset(source.id, source.name, options.imageSize);
  if (source.kind === 'url') {
    options.onProgress?.({ phase: 'downloading', done: 0, total: 2 });
    const [train, test] = await Promise.all([fetchBytes(source.trainUrl, options.signal), fetchBytes(source.testUrl, options.signal)]);
    return importSplitZips(source.name, train, test, options);
  }
  const inputs = fileInputs(source.files, source.paths);
  return importDataset(datasetName(inputs.map((input) => input.path)), inputs, options);
}
