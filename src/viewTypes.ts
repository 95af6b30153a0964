// Payloads of the live views: the embedding projection and the sample grid. Pure types, shared
// by the worker, protocol.ts and the UI. Every big array here is a typed array that crosses the
// worker boundary transferred (never copied), so the UI only ever holds plain bytes and floats.

/** What the views compute and how often; set by the UI, applied by the worker from the next step. */
export interface ViewSettings {
  /** PCA of the probe set every this many steps of the view run (and on demand). */
  embeddingEvery: number;
  /** New samples every this many steps of the view run (and on demand). */
  samplesEvery: number;
  /** Sampling temperature; 0 is greedy (the most likely component's mean). */
  temperature: number;
  /** Unconditional samples per refresh. */
  unconditional: number;
  /** Completions per refresh (top half of a held-out image kept, bottom half sampled). */
  completions: number;
}

export const DEFAULT_VIEW_SETTINGS: ViewSettings = {
  embeddingEvery: 20,
  samplesEvery: 50,
  temperature: 1,
  unconditional: 8,
  completions: 8,
};

/** Bounds the UI's inputs and the worker's trust in them. */
export const VIEW_LIMITS = {
  every: { min: 1, max: 10_000 },
  temperature: { min: 0, max: 2, step: 0.05 },
  count: { min: 0, max: 32 },
} as const;

/** The fixed, seeded probe set of held-out images, sent once per dataset so hover can show thumbnails. */
export interface ProbeSetPayload {
  /** Changes with each dataset; the same generation with another OOD set keeps the probe images. */
  generation: number;
  size: number;
  count: number;
  /** count*size*size*3 RGB bytes. */
  pixels: Uint8Array;
  /** Class per probe image (-1 unlabelled). */
  labels: Int32Array;
  /** Index of each probe image in the test split. */
  indices: Int32Array;
  classNames: string[];
  /** OOD images projected with the probe set, when the worker holds an OOD set; 0 when not. */
  oodCount: number;
  /** oodCount*size*size*3 RGB bytes, for the hover thumbnails of the overlay. */
  oodPixels: Uint8Array;
  /** Why there is no OOD overlay (null when there is one). */
  oodNote: string | null;
}

export type ProjectionMethod = 'pca' | 'umap';

export interface EmbeddingFrame {
  method: ProjectionMethod;
  /** count×2 row-major, one row per probe image, same order as ProbeSetPayload. */
  coords: Float32Array;
  /** oodCount×2 row-major, or empty when there is no OOD set. */
  oodCoords: Float32Array;
  /** Fraction of the variance on each of the two axes (PCA only; empty for UMAP). */
  explained: number[];
  /** Time the worker spent on this frame (representations + projection), ms. */
  ms: number;
}

/** UMAP parameters, chosen before it runs (umap-js cannot change them mid-fit). */
export interface UmapParams {
  nNeighbors: number;
  minDist: number;
  /** 0 lets umap-js choose from the number of points. */
  epochs: number;
  metric: 'euclidean' | 'cosine';
  seed: number;
}

export const DEFAULT_UMAP_PARAMS: UmapParams = { nNeighbors: 15, minDist: 0.1, epochs: 200, metric: 'cosine', seed: 1 };

export interface SampleGrid {
  size: number;
  temperature: number;
  /** unconditional×size×size×3 RGB bytes. */
  unconditional: Uint8Array;
  unconditionalCount: number;
  /** completionCount×size×size×3 RGB bytes: the first keptRows pixel rows are the original's, the rest sampled. */
  completions: Uint8Array;
  completionCount: number;
  /** Pixel rows kept from the original: the top half, rounded down to whole rows of patches. */
  keptRows: number;
  /** Probe-set index of the original each completion continues (its pixels are in the probe set). */
  completionSources: Int32Array;
  ms: number;
}

/** Where an on-demand UMAP stands; 'running' events carry epochs done of total. */
export type UmapState = 'running' | 'done' | 'cancelled' | 'failed';
