// The JSON files of a run bundle, schema version 3, as zod schemas. Every number a hostile file could
// use to make the app allocate (model sizes, history length, tensor shapes) is bounded here, before
// anything is built from it. Versions 1 and 2 are read by migrate.ts and turned into this shape.

import { z } from 'zod';
import { HYPER_RANGES, validateModel, type HyperParams, type ModelConfig, type RunConfig, type TrainConfig } from '../config';
import type { BatcherState } from '../data/batcher';
import { PROBE_STOPS, type EvalResults, type ProbeSummary } from '../eval/evalTypes';
import type { EvalRecord, MetricRow } from './history';
import type { WeightsGroup } from './weightsFormat';

export const SCHEMA_VERSION = 3;
export const APP_ID = 'hybrid-lab';
/** File names inside the zip; the reader opens these and nothing else. */
export const FILES = {
  config: 'config.json',
  metrics: 'metrics.json',
  metricsCsv: 'metrics.csv',
  evaluationsCsv: 'evaluations.csv',
  model: 'model.json',
  weights: 'weights.bin',
  optimizer: 'optimizer.json',
  optimizerBin: 'optimizer.bin',
  samplesUnconditional: 'samples/unconditional.png',
  samplesCompletions: 'samples/completions.png',
  embedding: 'embedding.csv',
  checkSet: 'checkset.json',
  checkSetBin: 'checkset.bin',
} as const;

/** Bounds on a config read from a file; the presets sit far inside them. */
const LIMITS = { maxSteps: 1e9, maxHistory: 2_000_000, maxEvaluations: 100_000, maxTensors: 4096 } as const;

const int = (min: number, max: number) => z.int().min(min).max(max);
const range = (key: keyof HyperParams) => z.number().min(HYPER_RANGES[key].min).max(HYPER_RANGES[key].max);

export const modelSchema: z.ZodType<ModelConfig> = z
  .object({
    imageSize: int(4, 256),
    patch: int(1, 64),
    dim: int(1, 1024),
    heads: int(1, 64),
    encLayers: int(1, 32),
    decLayers: int(0, 32),
    mixtures: int(1, 32),
    projDim: int(1, 1024),
  })
  .superRefine((m, ctx) => {
    const reason = validateModel(m);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });

export const trainSchema: z.ZodType<TrainConfig> = z.object({
  batch: int(1, 4096),
  warmupSteps: int(0, 1e7),
  weightDecay: z.number().min(0).max(10),
  seed: int(0, 2 ** 32 - 1),
});

export const hyperSchema: z.ZodType<HyperParams> = z.object({
  lambdaCon: range('lambdaCon'),
  lambdaGen: range('lambdaGen'),
  tau: range('tau'),
  lr: range('lr'),
});

export const runConfigSchema: z.ZodType<RunConfig> = z.object({
  preset: z.enum(['tiny', 'small', 'large']),
  model: modelSchema,
  train: trainSchema,
  hyper: hyperSchema,
});

export const batcherSchema: z.ZodType<BatcherState> = z.object({
  seed: int(0, 2 ** 32 - 1),
  epoch: int(0, 1e9),
  cursor: int(0, 1e9),
});

const runId = z.string().min(1).max(64);

export const configFileSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  app: z.literal(APP_ID),
  exportedAt: z.string().max(64).nullable(),
  run: z.object({
    id: runId,
    step: int(0, LIMITS.maxSteps),
    config: runConfigSchema,
    hyper: hyperSchema,
    batcher: batcherSchema,
    dataset: z.object({ name: z.string().max(500), imageSize: int(1, 4096), trainCount: int(0, 1e9) }).nullable(),
  }),
  /** What the zip holds beyond the required files, and why anything optional is missing. */
  contents: z.object({
    samples: z.boolean(),
    embedding: z.boolean(),
    evaluations: z.boolean(),
    /** checkset.json + checkset.bin; bundles written before the check set existed lack the field. */
    checkSet: z.boolean().default(false),
    notes: z.array(z.string().max(1000)).max(50),
  }),
});
export type ConfigFile = z.infer<typeof configFileSchema>;

// JSON has no NaN: a metric that was NaN (no contrastive loss when λcon = 0) is written as null.
const metricValue = z
  .number()
  .nullable()
  .transform((v) => (v === null ? Number.NaN : v));

export const metricRowSchema: z.ZodType<MetricRow, unknown> = z.object({
  step: int(1, LIMITS.maxSteps),
  lossTotal: metricValue,
  lossCon: metricValue,
  bitsPerDim: metricValue,
  conTop1: metricValue,
  imagesPerSec: metricValue,
  msPerStep: metricValue,
  lambdaCon: range('lambdaCon'),
  lambdaGen: range('lambdaGen'),
  tau: range('tau'),
  lr: range('lr'),
});

const rate = z.number().min(0).max(1);
const nullableRate = rate.nullable();

// Evaluations recorded before the probe kept how its fit ended have `converged` only, which then also
// covered a stalled loss: they read as converged or stopped at the cap, as they were shown.
const probeSchema: z.ZodType<ProbeSummary, unknown> = z
  .object({
    iterations: int(0, 1e9),
    converged: z.boolean(),
    stop: z.enum(PROBE_STOPS).optional(),
    gradient: z.number().min(0).nullable().optional(),
  })
  .transform(({ iterations, converged, stop, gradient }) => {
    const ended = stop ?? (converged ? 'converged' : 'iterationCap');
    return { iterations, converged: ended === 'converged', stop: ended, gradient: gradient ?? null };
  });

export const evalResultsSchema: z.ZodType<EvalResults, unknown> = z.object({
  linearAcc: nullableRate,
  knnAcc: nullableRate,
  oodAurocBpd: nullableRate,
  oodAurocFeature: nullableRate,
  corruptionAcc: nullableRate,
  corruptionRatio: z.number().min(0).max(1e6).nullable(),
  corruptions: z
    .array(
      z.object({
        kind: z.enum(['gaussianNoise', 'gaussianBlur', 'contrast', 'brightness', 'pixelate']),
        severity: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
        accuracy: rate,
      }),
    )
    .max(100),
  ece: nullableRate,
  testBpd: z.number().nullable(),
  oodParts: z.array(z.object({ name: z.string().max(200), count: int(0, 1e9), aurocBpd: nullableRate, aurocFeature: rate })).max(20),
  ood: z.object({
    name: z.string().max(500),
    origin: z.enum(['builtin', 'imported']),
    state: z.enum(['pending', 'loading', 'ready', 'failed']),
    imageCount: int(0, 1e9).nullable(),
    skipped: int(0, 1e9),
    error: z.string().max(2000).nullable(),
  }),
  sizes: z.object({ train: int(0, 1e9), test: int(0, 1e9), ood: int(0, 1e9), labelledTrain: int(0, 1e9), labelledTest: int(0, 1e9) }),
  needsLabels: z.string().max(1000).nullable(),
  probe: probeSchema.nullable(),
  seconds: z.number().min(0),
});

export const evalRecordSchema: z.ZodType<EvalRecord, unknown> = z.object({ step: int(0, LIMITS.maxSteps), results: evalResultsSchema });

export const metricsFileSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  metrics: z.array(metricRowSchema).max(LIMITS.maxHistory),
  evaluations: z.array(evalRecordSchema).max(LIMITS.maxEvaluations),
});

const weightSpecSchema = z.object({
  name: z.string().min(1).max(200),
  shape: z.array(int(0, 1 << 26)).max(8),
  dtype: z.literal('float32'),
});

const weightsGroupSchema: z.ZodType<WeightsGroup> = z.object({
  paths: z.array(z.string().max(200)).length(1),
  weights: z.array(weightSpecSchema).max(LIMITS.maxTensors),
});

/** model.json: the tfjs weights manifest, with our architecture as its topology. */
export const modelFileSchema = z.object({
  format: z.literal('hybrid-lab-weights'),
  generatedBy: z.string().max(200),
  convertedBy: z.null(),
  modelTopology: z.object({ kind: z.literal('hybrid-generative-contrastive-transformer'), config: modelSchema }),
  weightsManifest: z.array(weightsGroupSchema).length(1),
});

/** optimizer.json: AdamW's moments and step counts, in the same manifest format. */
export const optimizerFileSchema = z.object({
  format: z.literal('hybrid-lab-optimizer'),
  optimizer: z.literal('adamw'),
  step: int(0, LIMITS.maxSteps),
  weightsManifest: z.array(weightsGroupSchema).length(1),
});

/** "run.config.model.dim: Too big: expected number to be <=1024" — the first problem, in words. */
export function describeIssues(file: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return `${file}: ${where}${issue.message}${more}`;
}
