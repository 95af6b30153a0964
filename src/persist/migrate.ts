// Bundles written by older versions of Hybrid Lab, read and brought up to the current schema.
//
// Version 1 (the first export format) differed from version 2 in its two JSON files; the tensor
// files (model.json + weights.bin, optimizer.json + optimizer.bin) are unchanged:
//   config.json  { version: 1, runId, step, preset, model, train, hyper, dataOrder: { epoch, cursor } }
//                — no app tag, no export time, no dataset description, no contents list; the data
//                order's seed was always train.seed.
//   metrics.json [ { step, loss, con, bpd, top1, lambdaCon, lambdaGen, tau, lr } ]
//                — a bare array, short names, no throughput columns, no evaluations.
//
// Version 2 differed from version 3 in its optimiser state only: one AdamW update count `adamw/t` for
// all variables (first in optimizer.json/.bin, then `<name>/m`, `<name>/v` per variable) where version
// 3 keeps one step count per variable (`<name>/m`, `<name>/v`, `<name>/t`). The JSON files are the
// same apart from their schemaVersion. The counts are rebuilt from the recorded history
// (perVariableStepCounts); the same function upgrades checkpoints that IndexedDB kept from version 2.
//
// Migration of the JSON is a pure function of the parsed JSON; the result is then validated as the
// current version, so a migrated file passes exactly the checks a new one does.

import { z } from 'zod';
import type { NamedArray } from '../model/optimizer';
import { APP_ID, SCHEMA_VERSION, batcherSchema, describeIssues, hyperSchema } from './bundleSchema';
import type { MetricRow } from './history';
import { expectedWeightShapes, lossBranch, type LossBranch, type TensorShape } from './modelShapes';
import type { ModelConfig } from '../config';

export class MigrationError extends Error {}

const v1Config = z.object({
  version: z.literal(1),
  runId: z.string().min(1).max(64),
  step: z.int().min(0).max(1e9),
  preset: z.enum(['tiny', 'small', 'large']),
  model: z.unknown(),
  train: z.unknown(),
  hyper: hyperSchema,
  dataOrder: z.object({ epoch: z.int().min(0).max(1e9), cursor: z.int().min(0).max(1e9) }),
});

const v1Number = z.number().nullable();
const v1Metrics = z
  .array(
    z.object({
      step: z.int(),
      loss: v1Number,
      con: v1Number,
      bpd: v1Number,
      top1: v1Number,
      lambdaCon: z.number(),
      lambdaGen: z.number(),
      tau: z.number(),
      lr: z.number(),
    }),
  )
  .max(2_000_000);

/** The schema version a parsed config.json declares: `schemaVersion` since v2, `version` in v1. */
export function declaredVersion(config: unknown): number | null {
  if (typeof config !== 'object' || config === null) return null;
  const record = config as Record<string, unknown>;
  const value = record.schemaVersion ?? record.version;
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

export interface BundleJson {
  config: unknown;
  metrics: unknown;
}

function migrateV1(files: BundleJson): BundleJson {
  const config = v1Config.safeParse(files.config);
  if (!config.success) throw new MigrationError(describeIssues('config.json (version 1)', config.error));
  const metrics = v1Metrics.safeParse(files.metrics);
  if (!metrics.success) throw new MigrationError(describeIssues('metrics.json (version 1)', metrics.error));
  const c = config.data;
  const train = c.train as { seed?: unknown } | null;
  const seed = typeof train === 'object' && train !== null ? train.seed : undefined;
  const batcher = batcherSchema.safeParse({ seed, epoch: c.dataOrder.epoch, cursor: c.dataOrder.cursor });
  if (!batcher.success) throw new MigrationError(describeIssues('config.json (version 1)', batcher.error));
  return {
    config: {
      schemaVersion: 2,
      app: APP_ID,
      exportedAt: null,
      run: {
        id: c.runId,
        step: c.step,
        config: { preset: c.preset, model: c.model, train: c.train, hyper: c.hyper },
        hyper: c.hyper,
        batcher: batcher.data,
        dataset: null,
      },
      contents: {
        samples: false,
        embedding: false,
        evaluations: false,
        notes: ['migrated from schema version 1, which kept no samples, embedding, evaluations or throughput'],
      },
    },
    metrics: {
      schemaVersion: 2,
      metrics: metrics.data.map((row) => ({
        step: row.step,
        lossTotal: row.loss,
        lossCon: row.con,
        bitsPerDim: row.bpd,
        conTop1: row.top1,
        imagesPerSec: null,
        msPerStep: null,
        lambdaCon: row.lambdaCon,
        lambdaGen: row.lambdaGen,
        tau: row.tau,
        lr: row.lr,
      })),
      evaluations: [],
    },
  };
}

/** Version 3 changed only the optimiser tensors (see perVariableStepCounts): the JSON is relabelled. */
function migrateV2(files: BundleJson): BundleJson {
  const relabel = (value: unknown): unknown =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value, schemaVersion: 3 } : value;
  return { config: relabel(files.config), metrics: relabel(files.metrics) };
}

/** One step per version: MIGRATIONS[v] turns version v into v + 1. */
const MIGRATIONS: Record<number, (files: BundleJson) => BundleJson> = { 1: migrateV1, 2: migrateV2 };

/** The name of version 2's single AdamW update count. */
export const LEGACY_STEP_COUNT = 'adamw/t';

/** The optimiser tensors of versions 1 and 2: the update count, then both moments of every variable. */
export function legacyOptimizerShapes(m: ModelConfig): TensorShape[] {
  const out: TensorShape[] = [{ name: LEGACY_STEP_COUNT, shape: [1] }];
  for (const w of expectedWeightShapes(m)) out.push({ name: `${w.name}/m`, shape: w.shape }, { name: `${w.name}/v`, shape: w.shape });
  return out;
}

/**
 * Version 2's optimiser state with one step count per variable, as PyTorch's AdamW keeps them: a
 * variable counts the updates that reached it, and a step where one loss weight was 0 did not reach
 * that loss's branch (modelShapes.lossBranch). adamw/t counted every update; each recorded step that
 * skipped a branch is taken off that branch's count. Exact when the history covers every update, or
 * when the steps it lacks (a fork's steps before the fork) had no loss weight at 0 alone; otherwise
 * those skipped updates are still counted, as version 2 did for every variable. State without
 * adamw/t is returned as it is.
 */
export function perVariableStepCounts(
  state: readonly NamedArray[],
  history: readonly Pick<MetricRow, 'lambdaCon' | 'lambdaGen'>[],
): NamedArray[] {
  const legacy = state.find((s) => s.name === LEGACY_STEP_COUNT);
  if (!legacy) return state.slice();
  const updates = legacy.values[0];
  const skipped: Record<LossBranch, number> = { both: 0, contrastive: 0, generative: 0 };
  for (const { lambdaCon, lambdaGen } of history) {
    if (lambdaCon <= 0 && lambdaGen <= 0) continue; // no update at all: adamw/t did not count it
    if (lambdaCon <= 0) skipped.contrastive += 1;
    if (lambdaGen <= 0) skipped.generative += 1;
  }
  const byName = new Map(state.map((s) => [s.name, s]));
  const out: NamedArray[] = [];
  for (const entry of state) {
    if (!entry.name.endsWith('/m')) continue;
    const name = entry.name.slice(0, -'/m'.length);
    const second = byName.get(`${name}/v`);
    const t = Math.max(0, updates - skipped[lossBranch(name)]);
    out.push(entry);
    if (second) out.push(second);
    out.push({ name: `${name}/t`, shape: [1], values: Float32Array.of(t) });
  }
  return out;
}

/** Brings parsed JSON of any known version up to SCHEMA_VERSION; returns it and the version it had. */
export function migrateToCurrent(files: BundleJson): { files: BundleJson; from: number } {
  const from = declaredVersion(files.config);
  if (from === null) throw new MigrationError('config.json declares no schema version: not a Hybrid Lab run bundle');
  if (from > SCHEMA_VERSION) {
    throw new MigrationError(`schema version ${from} is newer than this Hybrid Lab reads (up to ${SCHEMA_VERSION}); update the app`);
  }
  let current = files;
  for (let v = from; v < SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new MigrationError(`schema version ${v} is not one Hybrid Lab ever wrote`);
    current = step(current);
  }
  return { files: current, from };
}
