// Turns a DatasetSource into a decoded Dataset. The built-in data goes through the same zip importer
// as a user's zip.

import type { DatasetSource } from '../protocol';
import { importDataset, importSplitZips, type ImportOptions } from '../data/importer';
import type { Dataset } from '../data/store';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function loadDataset(source: DatasetSource, options: ImportOptions): Promise<Dataset> {
  if (source.kind === 'url') {
    options.onProgress?.({ phase: 'downloading', done: 0, total: 2 });
    const [train, test] = await Promise.all([fetchBytes(source.trainUrl), fetchBytes(source.testUrl)]);
    return importSplitZips(source.name, train, test, options);
  }
  const inputs = await Promise.all(
    source.files.map(async (file) => ({
      path: file.webkitRelativePath || file.name,
      bytes: new Uint8Array(await file.arrayBuffer()),
    })),
  );
  const name = inputs.length === 1 ? inputs[0].path : (inputs[0]?.path.split('/')[0] ?? 'dataset');
  return importDataset(name, inputs, options);
}
