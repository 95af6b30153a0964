// Bundles written by older versions of Hybrid Lab, read and brought up to the current schema.
//
// Version 1 (the first export format) differed from version 2 in its two JSON files; the tensor
// files (model.json + weights.bin, optimizer.json + optimizer.bin) are unchanged:
//   config.json  { version: 1, runId, step, preset, model, train, hyper, dataOrder: { epoch, cursor } }
//                — no app tag, no export time, no dataset description, no contents list; the data
//                order's seed was always train.seed.
//   metrics.json [ { step, loss, con, bpd, top1, lambdaCon, lambdaGen, tau, lr } ]
//                — a bare array, short names, no throughput columns, no evaluations.
// Migration is a pure function of the parsed JSON; the result is then validated as version 2, so a
// migrated file passes exactly the checks a new one does.

import { z } from 'zod';
import { APP_ID, SCHEMA_VERSION, batcherSchema, describeIssues, hyperSchema } from './bundleSchema';

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

/** One step per version: MIGRATIONS[v] turns version v into v + 1. */
const MIGRATIONS: Record<number, (files: BundleJson) => BundleJson> = { 1: migrateV1 };

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
