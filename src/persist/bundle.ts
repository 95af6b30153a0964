// A run as one zip: config.json (schema version), metrics as JSON and CSV, evaluations, the
// model in the tfjs weights format (model.json + weights.bin), AdamW's state (optimizer.json +
// optimizer.bin: both moments and the step count of every variable), sample grids as PNG and the embedding as CSV when the worker has them.
// decodeBundle trusts nothing: sizes are checked from the zip directory before anything is inflated,
// JSON is validated (zod) after migration, and every tensor must match the architecture it claims.
// It throws BundleError with the first reason; nothing is built from a refused file.

import { zipSync, type Zippable } from 'fflate';
import type { HyperParams, RunConfig } from '../config';
import type { BatcherState } from '../data/batcher';
import { listZip, looksLikeZip, readZipEntry, type ZipEntry } from '../data/zip';
import type { TrainerState } from '../model/trainer';
import type { EmbeddingFrame, ProbeSetPayload, SampleGrid } from '../viewTypes';
import {
  APP_ID,
  FILES,
  SCHEMA_VERSION,
  configFileSchema,
  describeIssues,
  metricsFileSchema,
  modelFileSchema,
  optimizerFileSchema,
  type ConfigFile,
} from './bundleSchema';
import { embeddingCsv, evaluationsCsv, metricsCsv } from './csv';
import type { RunHistory } from './history';
import { MAX_BUNDLE_BYTES } from './messages';
import { legacyOptimizerShapes, migrateToCurrent, perVariableStepCounts } from './migrate';
import { expectedOptimizerShapes, expectedWeightShapes, parameterCount } from './modelShapes';
import { encodeCheckSet, type CheckSet } from './checkSetFile';
import { encodePng, gridImage } from './png';
import { decodeWeights, encodeWeights } from './weightsFormat';

export interface RunBundle {
  sourceRunId: string;
  /** The configuration the run was created with. */
  config: RunConfig;
  /** The hyperparameters its next step would use (the sliders may have moved since creation). */
  hyper: HyperParams;
  step: number;
  batcher: BatcherState;
  trainer: TrainerState;
  history: RunHistory;
  dataset: { name: string; imageSize: number; trainCount: number } | null;
  exportedAt: string | null;
}

/** Views the worker may hold for the run; each missing one is named in config.json's notes. */
export interface BundleExtras {
  samples: SampleGrid | null;
  embedding: { frame: EmbeddingFrame; probe: Pick<ProbeSetPayload, 'labels' | 'indices' | 'classNames'> } | null;
  /** Computed at export (src/worker/checkSet.ts) when the run's dataset is at hand. */
  checkSet?: CheckSet | null;
}

export interface DecodedBundle {
  bundle: RunBundle;
  /** The schema version the file was written in, when it had to be migrated. */
  migratedFrom: number | null;
  contents: ConfigFile['contents'];
}

export class BundleError extends Error {}

const MiB = 1024 * 1024;
export const BUNDLE_LIMITS = {
  maxBytes: MAX_BUNDLE_BYTES,
  maxEntries: 64,
  maxJsonBytes: 256 * MiB,
  maxBinBytes: 1024 * MiB,
  maxParams: 200_000_000,
};

const text = new TextEncoder();

function json(value: unknown): Uint8Array {
  return text.encode(JSON.stringify(value, null, 1));
}

/** What a bundle of `history` with `extras` holds beyond the required files, and why not more. */
export function describeContents(history: RunHistory, extras: BundleExtras): ConfigFile['contents'] {
  const samples = extras.samples !== null && extras.samples.unconditionalCount + extras.samples.completionCount > 0;
  const notes: string[] = [];
  if (history.evaluations.length === 0) notes.push('no evaluations: none had been run on this run');
  if (!samples) notes.push('no samples: the sample view had not drawn any for this run since the page was opened');
  if (!extras.embedding) notes.push('no embedding: the embedding view had not projected this run since the page was opened');
  const checkSet = Boolean(extras.checkSet);
  if (!checkSet) notes.push('no check set: no dataset was loaded to draw its images from');
  return { samples, embedding: extras.embedding !== null, evaluations: history.evaluations.length > 0, checkSet, notes };
}

export function encodeBundle(bundle: RunBundle, extras: BundleExtras): Uint8Array {
  const { history } = bundle;
  const contents = describeContents(history, extras);
  const weights = encodeWeights(bundle.trainer.weights, FILES.weights);
  const optimizer = encodeWeights(bundle.trainer.optimizer, FILES.optimizerBin);
  // Stored, not deflated: float32 weights shrink by a few percent at a large cost in time.
  const files: Zippable = {
    [FILES.metrics]: json({ schemaVersion: SCHEMA_VERSION, metrics: history.metrics, evaluations: history.evaluations }),
    [FILES.metricsCsv]: text.encode(metricsCsv(history.metrics)),
    [FILES.model]: json({
      format: 'hybrid-lab-weights',
      generatedBy: 'Hybrid Lab',
      convertedBy: null,
      modelTopology: { kind: 'hybrid-generative-contrastive-transformer', config: bundle.config.model },
      weightsManifest: [weights.group],
    }),
    [FILES.weights]: [weights.bin, { level: 0 }],
    [FILES.optimizer]: json({
      format: 'hybrid-lab-optimizer',
      optimizer: 'adamw',
      step: bundle.trainer.step,
      weightsManifest: [optimizer.group],
    }),
    [FILES.optimizerBin]: [optimizer.bin, { level: 0 }],
  };
  if (contents.evaluations) files[FILES.evaluationsCsv] = text.encode(evaluationsCsv(history.evaluations));
  const { samples, embedding } = extras;
  if (samples && contents.samples) {
    for (const [name, pixels, count] of [
      [FILES.samplesUnconditional, samples.unconditional, samples.unconditionalCount],
      [FILES.samplesCompletions, samples.completions, samples.completionCount],
    ] as const) {
      if (count === 0) continue;
      const grid = gridImage(pixels, count, samples.size);
      files[name] = [encodePng(grid.rgb, grid.width, grid.height), { level: 0 }];
    }
  }
  if (embedding) files[FILES.embedding] = text.encode(embeddingCsv(embedding.frame, embedding.probe));
  if (extras.checkSet) {
    const checkSet = encodeCheckSet(extras.checkSet, FILES.checkSetBin);
    files[FILES.checkSet] = json(checkSet.json);
    files[FILES.checkSetBin] = [checkSet.bin, { level: 0 }];
  }
  const config: ConfigFile = {
    schemaVersion: SCHEMA_VERSION,
    app: APP_ID,
    exportedAt: bundle.exportedAt,
    run: {
      id: bundle.sourceRunId,
      step: bundle.step,
      config: bundle.config,
      hyper: bundle.hyper,
      batcher: bundle.batcher,
      dataset: bundle.dataset,
    },
    contents,
  };
  files[FILES.config] = json(config);
  return zipSync(files, { level: 6 });
}

function readEntries(bytes: Uint8Array): Map<string, ZipEntry> {
  if (bytes.length > BUNDLE_LIMITS.maxBytes)
    throw new BundleError(`the file is ${Math.round(bytes.length / MiB)} MiB; a run bundle is at most ${BUNDLE_LIMITS.maxBytes / MiB} MiB`);
  if (!looksLikeZip(bytes)) throw new BundleError('not a zip file (a run bundle is the .zip that Export writes)');
  let entries: ZipEntry[];
  try {
    entries = listZip(bytes).entries;
  } catch (error) {
    throw new BundleError(`not a readable zip: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (entries.length > BUNDLE_LIMITS.maxEntries)
    throw new BundleError(`the zip holds ${entries.length} entries; a run bundle has at most ${BUNDLE_LIMITS.maxEntries}`);
  const byName = new Map<string, ZipEntry>();
  for (const entry of entries) {
    if (byName.has(entry.name)) throw new BundleError(`the zip holds two entries named ${entry.name}`);
    byName.set(entry.name, entry);
  }
  return byName;
}

function readFile(bytes: Uint8Array, entries: Map<string, ZipEntry>, name: string, limit: number): Uint8Array {
  const entry = entries.get(name);
  if (!entry) throw new BundleError(`${name} is missing from the bundle`);
  if (entry.size > limit) throw new BundleError(`${name} is ${entry.size} bytes uncompressed, over the ${limit}-byte limit`);
  try {
    return readZipEntry(bytes, entry);
  } catch (error) {
    throw new BundleError(`${name} is damaged: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readJson(bytes: Uint8Array, entries: Map<string, ZipEntry>, name: string): unknown {
  const raw = readFile(bytes, entries, name, BUNDLE_LIMITS.maxJsonBytes);
  try {
    return JSON.parse(utf8.decode(raw));
  } catch (error) {
    throw new BundleError(`${name} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function check<T>(file: string, result: { success: true; data: T } | { success: false; error: import('zod').ZodError }): T {
  if (!result.success) throw new BundleError(describeIssues(file, result.error));
  return result.data;
}

export function decodeBundle(bytes: Uint8Array): DecodedBundle {
  const entries = readEntries(bytes);
  let migrated: ReturnType<typeof migrateToCurrent>;
  try {
    migrated = migrateToCurrent({ config: readJson(bytes, entries, FILES.config), metrics: readJson(bytes, entries, FILES.metrics) });
  } catch (error) {
    if (error instanceof BundleError) throw error;
    throw new BundleError(error instanceof Error ? error.message : String(error));
  }
  const config = check(FILES.config, configFileSchema.safeParse(migrated.files.config));
  const history = check(FILES.metrics, metricsFileSchema.safeParse(migrated.files.metrics));
  const model = check(FILES.model, modelFileSchema.safeParse(readJson(bytes, entries, FILES.model)));
  const optimizer = check(FILES.optimizer, optimizerFileSchema.safeParse(readJson(bytes, entries, FILES.optimizer)));
  const { run } = config;
  const arch = run.config.model;
  if (JSON.stringify(model.modelTopology.config) !== JSON.stringify(arch)) {
    throw new BundleError('model.json describes a different architecture than config.json');
  }
  const params = parameterCount(arch);
  if (params > BUNDLE_LIMITS.maxParams)
    throw new BundleError(`the model has ${params} parameters, over the ${BUNDLE_LIMITS.maxParams} this app trains`);
  if (optimizer.step !== run.step) throw new BundleError(`optimizer.json is at step ${optimizer.step} but config.json at step ${run.step}`);
  let previous = 0;
  for (const row of history.metrics) {
    if (row.step <= previous || row.step > run.step)
      throw new BundleError(`metrics.json: step ${row.step} is out of order or after the run's step ${run.step}`);
    previous = row.step;
  }
  const [weightsGroup] = model.weightsManifest;
  const [optimizerGroup] = optimizer.weightsManifest;
  for (const [file, group, expected] of [
    [FILES.model, weightsGroup, FILES.weights],
    [FILES.optimizer, optimizerGroup, FILES.optimizerBin],
  ] as const) {
    if (group.paths[0] !== expected)
      throw new BundleError(`${file} points at "${group.paths[0]}"; a run bundle keeps its values in ${expected}`);
  }
  // Versions 1 and 2 kept one update count for all variables (migrate.ts).
  const legacy = migrated.from < 3;
  let weights, moments;
  try {
    weights = decodeWeights(
      weightsGroup.weights,
      readFile(bytes, entries, FILES.weights, BUNDLE_LIMITS.maxBinBytes),
      expectedWeightShapes(arch),
      FILES.model,
    );
    moments = decodeWeights(
      optimizerGroup.weights,
      readFile(bytes, entries, FILES.optimizerBin, BUNDLE_LIMITS.maxBinBytes),
      legacy ? legacyOptimizerShapes(arch) : expectedOptimizerShapes(arch),
      FILES.optimizer,
    );
  } catch (error) {
    if (error instanceof BundleError) throw error;
    throw new BundleError(error instanceof Error ? error.message : String(error));
  }
  for (const { name, values } of moments) {
    if (!name.endsWith('/t')) continue;
    const count = values[0];
    if (!Number.isInteger(count) || count < 0 || count > run.step)
      throw new BundleError(`optimizer.json: AdamW's step count ${name} = ${count} does not fit step ${run.step}`);
  }
  if (legacy) moments = perVariableStepCounts(moments, history.metrics);
  return {
    bundle: {
      sourceRunId: run.id,
      config: run.config,
      hyper: run.hyper,
      step: run.step,
      batcher: run.batcher,
      trainer: { step: run.step, weights, optimizer: moments },
      history: { metrics: history.metrics, evaluations: history.evaluations },
      dataset: run.dataset,
      exportedAt: config.exportedAt,
    },
    migratedFrom: migrated.from === SCHEMA_VERSION ? null : migrated.from,
    contents: config.contents,
  };
}
