// The whole run configuration: presets, defaults, and its round trip through the URL.
// Pure: no DOM, no React, no tfjs.

export type PresetName = 'tiny' | 'small' | 'large';
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendRequest = BackendName | 'auto';

/** Architecture of the hybrid transformer (docs/model.md). */
export interface ModelConfig {
  imageSize: number;
  patch: number;
  dim: number;
  heads: number;
  encLayers: number;
  decLayers: number;
  mixtures: number;
  projDim: number;
}

/** The four values a person may change while a run trains. */
export interface HyperParams {
  lambdaCon: number;
  lambdaGen: number;
  tau: number;
  lr: number;
}

export interface TrainConfig {
  batch: number;
  warmupSteps: number;
  weightDecay: number;
  seed: number;
}

export interface RunConfig {
  preset: PresetName;
  model: ModelConfig;
  train: TrainConfig;
  hyper: HyperParams;
}

export interface AppConfig extends RunConfig {
  backend: BackendRequest;
  dataset: 'builtin';
  autostart: boolean;
}

interface PresetShape extends ModelConfig {
  batch: number;
}

export const PRESETS: Record<PresetName, PresetShape> = {
  tiny: { imageSize: 16, patch: 4, dim: 64, heads: 2, encLayers: 2, decLayers: 1, mixtures: 2, projDim: 64, batch: 32 },
  small: { imageSize: 32, patch: 4, dim: 128, heads: 4, encLayers: 4, decLayers: 2, mixtures: 4, projDim: 64, batch: 64 },
  large: { imageSize: 32, patch: 2, dim: 192, heads: 6, encLayers: 6, decLayers: 3, mixtures: 5, projDim: 64, batch: 64 },
};

export const DEFAULT_HYPER: HyperParams = { lambdaCon: 1, lambdaGen: 1, tau: 0.2, lr: 1e-3 };
export const DEFAULT_SEED = 1;
export const WARMUP_STEPS = 50;
export const WEIGHT_DECAY = 0.05;

/** Slider ranges; the URL parser clamps to the same ranges. */
export const HYPER_RANGES: Record<keyof HyperParams, { min: number; max: number; step: number }> = {
  lambdaCon: { min: 0, max: 2, step: 0.05 },
  lambdaGen: { min: 0, max: 2, step: 0.05 },
  tau: { min: 0.02, max: 1, step: 0.01 },
  lr: { min: 1e-5, max: 1e4, step: 1e-5 },
};

/** The preset a machine starts on when the URL names none: small on a real GPU, tiny otherwise. */
export function defaultPresetFor(backend: BackendName): PresetName {
  return backend === 'webgpu' ? 'small' : 'tiny';
}

export function presetConfig(preset: PresetName, seed = DEFAULT_SEED): RunConfig {
  const { batch, ...model } = PRESETS[preset];
  return {
    preset,
    model,
    train: { batch, warmupSteps: WARMUP_STEPS, weightDecay: WEIGHT_DECAY, seed },
    hyper: { ...DEFAULT_HYPER },
  };
}

export function defaultAppConfig(preset: PresetName = 'small'): AppConfig {
  return { ...presetConfig(preset), backend: 'auto', dataset: 'builtin', autostart: false };
}

/** Returns a reason the architecture cannot be built, or null when it can. */
export function validateModel(m: ModelConfig): string | null {
  if (m.imageSize % m.patch !== 0) return `image size ${m.imageSize} is not a multiple of patch ${m.patch}`;
  if (m.dim % m.heads !== 0) return `width ${m.dim} is not a multiple of ${m.heads} heads`;
  if (m.encLayers < 1) return 'at least one encoder block is needed';
  if (m.decLayers < 0) return 'decoder blocks cannot be negative';
  if (m.mixtures < 1) return 'at least one mixture component is needed';
  return null;
}

const MODEL_KEYS = ['imageSize', 'patch', 'dim', 'heads', 'encLayers', 'decLayers', 'mixtures'] as const;
const HYPER_KEYS = ['lambdaCon', 'lambdaGen', 'tau', 'lr'] as const;
const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
const PRESET_NAMES: readonly PresetName[] = ['tiny', 'small', 'large'];

function readInt(params: URLSearchParams, key: string, min: number, max: number): number | undefined {
  const raw = params.get(key);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) return undefined;
  return value;
}

function readFloat(params: URLSearchParams, key: string, min: number, max: number): number | undefined {
  const raw = params.get(key);
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) return undefined;
  return Math.min(max, Math.max(min, value));
}

/**
 * Parses the URL parameters of docs/architecture.md#test-hooks on top of a preset. Unknown or out-of-range values fall back to the
 * preset's; `defaultPreset` is used when the URL names none (tiny on a machine without a usable GPU).
 */
export function configFromUrl(search: string, defaultPreset: PresetName = 'small'): AppConfig {
  const params = new URLSearchParams(search);
  const presetParam = params.get('preset');
  const preset = PRESET_NAMES.includes(presetParam as PresetName) ? (presetParam as PresetName) : defaultPreset;
  const seed = readInt(params, 'seed', 0, 2 ** 31 - 1) ?? DEFAULT_SEED;
  const config = defaultAppConfig(preset);
  config.train.seed = seed;
  for (const key of MODEL_KEYS) {
    const value = readInt(params, key, key === 'decLayers' ? 0 : 1, 4096);
    if (value !== undefined) config.model[key] = value;
  }
  const batch = readInt(params, 'batch', 2, 4096);
  if (batch !== undefined) config.train.batch = batch;
  for (const key of HYPER_KEYS) {
    const value = readFloat(params, key, HYPER_RANGES[key].min, HYPER_RANGES[key].max);
    if (value !== undefined) config.hyper[key] = value;
  }
  const backend = params.get('backend');
  if (BACKENDS.includes(backend as BackendName)) config.backend = backend as BackendName;
  config.autostart = params.get('autostart') === '1';
  return config;
}

/** Writes every value that differs from its preset's default, so a link reproduces the run. */
export function configToUrl(config: AppConfig, defaultPreset: PresetName = 'small'): string {
  const params = new URLSearchParams();
  const base = defaultAppConfig(config.preset);
  if (config.preset !== defaultPreset) params.set('preset', config.preset);
  if (config.backend !== 'auto') params.set('backend', config.backend);
  if (config.train.seed !== DEFAULT_SEED) params.set('seed', String(config.train.seed));
  for (const key of MODEL_KEYS) {
    if (config.model[key] !== base.model[key]) params.set(key, String(config.model[key]));
  }
  if (config.train.batch !== base.train.batch) params.set('batch', String(config.train.batch));
  for (const key of HYPER_KEYS) {
    if (config.hyper[key] !== base.hyper[key]) params.set(key, String(config.hyper[key]));
  }
  if (config.autostart) params.set('autostart', '1');
  const text = params.toString();
  return text ? `?${text}` : '';
}
