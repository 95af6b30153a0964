// Export and import of run bundles inside the worker. Export captures the run between two steps (its
// current state, not the last checkpoint) with the history up to that step. Import decodes and checks
// the whole file, then builds the run, and only then adds it: a refused file changes nothing.

import type { Dataset } from '../data/store';
import { describe } from './scheduler';
import { checkRoom } from './fork';
import { decodeBundle, describeContents, encodeBundle, type RunBundle } from '../persist/bundle';
import { historyEvents, historyUpTo } from '../persist/history';
import type { PersistService, PersistHost } from './persistService';
import type { PersistToWorker } from '../persist/messages';
import { restoreRun } from './restoreRun';
import { computeCheckSet } from '../worker/checkSet';

export interface BundleHost extends PersistHost {
  post(event: Parameters<PersistHost['emit']>[0], transfer: Transferable[]): void;
}

/** A file name without characters a file system could object to. */
export function bundleFileName(runId: string, step: number): string {
  return `hybrid-lab-${runId.replace(/[^\w.-]+/g, '_')}-step${step}.zip`;
}

export async function exportRun(host: BundleHost, persist: PersistService, runId: string): Promise<void> {
  const run = host.runs.get(runId);
  if (!run) throw new Error(`no run ${runId} to export`);
  const captured = await persist.capture(run);
  if (!captured) throw new Error(`${runId} was deleted during the export`);
  const { step, checkpoint } = captured;
  const history = historyUpTo(persist.recorder.history(runId), step);
  const dataset = host.dataset();
  const bundle: RunBundle = {
    sourceRunId: runId,
    config: run.config,
    hyper: checkpoint.hyper,
    step,
    batcher: checkpoint.batcher,
    trainer: checkpoint.trainer,
    history,
    dataset: dataset ? { name: dataset.name, imageSize: dataset.train.size, trainCount: dataset.train.count } : null,
    exportedAt: new Date().toISOString(),
  };
  const checkSet = dataset && (await computeCheckSet({ ...checkpoint, config: run.config, train: dataset.train, test: dataset.test }));
  const extras = { ...persist.recorder.views(runId), checkSet };
  const bytes = encodeBundle(bundle, extras);
  const fileName = bundleFileName(runId, step);
  host.post({ type: 'runExported', runId, step, fileName, bytes, notes: describeContents(history, extras).notes }, [bytes.buffer]);
}

function refuse(fileName: string, reason: string): Error {
  return new Error(`${fileName} was not imported: ${reason}. Nothing was changed.`);
}

/** Differences between the data the run was trained on and the data it will continue on. */
function datasetNote(bundle: RunBundle, dataset: Dataset): string {
  const was = bundle.dataset;
  if (!was || (was.name === dataset.name && was.trainCount === dataset.train.count)) return '';
  return ` It was trained on ${was.name} (${was.trainCount} images) and continues on ${dataset.name} (${dataset.train.count} images).`;
}

export async function importRun(
  host: BundleHost,
  persist: PersistService,
  message: Extract<PersistToWorker, { type: 'importRun' }>,
): Promise<void> {
  const { fileName, runId } = message;
  const dataset = host.dataset();
  if (!dataset) throw refuse(fileName, 'no dataset is loaded yet');
  let bundle: RunBundle;
  let migratedFrom: number | null;
  try {
    ({ bundle, migratedFrom } = decodeBundle(message.bytes));
  } catch (error) {
    throw refuse(fileName, describe(error));
  }
  const size = bundle.config.model.imageSize;
  if (size !== dataset.train.size)
    throw refuse(fileName, `the run trains on ${size}px images but the loaded dataset is ${dataset.train.size}px`);
  try {
    checkRoom(host.runs, runId);
  } catch (error) {
    throw refuse(fileName, describe(error));
  }
  let run;
  try {
    run = restoreRun(runId, bundle, dataset.train);
  } catch (error) {
    throw refuse(fileName, `its state does not fit the loaded dataset (${describe(error)})`);
  }
  run.status = 'paused';
  host.addRun(run);
  persist.adopt(run, bundle.history, null);
  const migrated = migratedFrom === null ? '' : ` (migrated from schema version ${migratedFrom})`;
  host.emit({
    type: 'runRestored',
    runId,
    step: run.step,
    origin: 'import',
    config: bundle.config,
    forkedFrom: null,
    hyper: bundle.hyper,
    status: 'paused',
    history: historyEvents(bundle.history, runId),
    message: `Imported ${fileName} as ${runId} at step ${run.step}${migrated}.${datasetNote(bundle, dataset)}`,
  });
  persist.checkpoint(runId);
}
