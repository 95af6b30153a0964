// One frame of the embedding view from representations: PCA (every K steps, signs kept consistent with
// the previous frame so the picture does not mirror) or UMAP (on demand, cancellable). The OOD overlay,
// when there is one, is projected with the probe set's PCA axes, or fitted together with it by UMAP
// (umap-js has no exact out-of-sample transform, so the two sets share one neighbour graph).

import { pca, projectPca } from '../eval/pca';
import type { EmbeddingFrame, UmapParams } from '../viewTypes';

export interface Features {
  values: Float32Array;
  count: number;
  dim: number;
}

export interface PcaFrame {
  frame: EmbeddingFrame;
  /** 2×d axes of this frame: the next frame's sign reference. */
  components: Float32Array;
}

export async function pcaFrame(probe: Features, ood: Features | null, previous: Float32Array | null, started: number): Promise<PcaFrame> {
  const fit = await pca(probe.values, probe.count, probe.dim, 2, { previousComponents: previous });
  const oodCoords = ood && ood.count > 0 ? projectPca(ood.values, ood.dim, fit.mean, fit.components) : new Float32Array(0);
  const total = fit.totalVariance > 0 ? fit.totalVariance : 1;
  return {
    components: fit.components,
    frame: {
      method: 'pca',
      coords: fit.coords,
      oodCoords,
      explained: Array.from(fit.variances, (v) => v / total),
      ms: performance.now() - started,
    },
  };
}

export interface UmapRun {
  signal: AbortSignal;
  onProgress: (done: number, total: number) => void;
}

/** UMAP of probe (+ OOD) features; rejects with an AbortError when cancelled. */
export async function umapFrame(
  probe: Features,
  ood: Features | null,
  params: UmapParams,
  run: UmapRun,
  started: number,
): Promise<EmbeddingFrame> {
  const oodCount = ood?.count ?? 0;
  const all = new Float32Array((probe.count + oodCount) * probe.dim);
  all.set(probe.values, 0);
  if (ood && oodCount > 0) all.set(ood.values, probe.count * probe.dim);
  // umap-js loads on the first UMAP, not with the worker: the first training step does not need it.
  const { runUmap } = await import('../eval/umap');
  const coords = await runUmap(all, probe.count + oodCount, probe.dim, {
    nNeighbors: Math.min(params.nNeighbors, probe.count + oodCount - 1),
    minDist: params.minDist,
    epochs: params.epochs,
    metric: params.metric,
    seed: params.seed,
    signal: run.signal,
    onProgress: run.onProgress,
  });
  return {
    method: 'umap',
    coords: coords.slice(0, probe.count * 2),
    oodCoords: coords.slice(probe.count * 2),
    explained: [],
    ms: performance.now() - started,
  };
}
