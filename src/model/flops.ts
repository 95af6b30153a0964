// Analytic matmul FLOP count of one training step, for the throughput readout (achieved FLOP/s).
import type { ModelConfig } from '../config';

/**
 * Forward+backward matmul FLOPs of one trainStep with both losses on (2 FLOPs per multiply-add).
 * Per image, with N = (S/P)² patches, T = N+1 tokens, D = P·P·3, width d, M mixtures:
 *   patch embedding           2·N·D·d
 *   per transformer block     2·T·d·3d (QKV) + 2·T·T·d (QKᵀ, all heads) + 2·T·T·d (att·V)
 *                             + 2·T·d·d (out proj) + 2·T·d·4d·2 (MLP)  = 24·T·d² + 4·T²·d
 *                             (the causal mask is an additive bias: the full T×T product is computed)
 *   generative head           2·N·d·(3·M·D)              (positions 0..N-1 only)
 *   contrastive head          2·d·d + 2·d·projDim
 * Three forward passes per image: the clean view (embedding, L_enc + L_dec blocks, generative head)
 * and two augmented views (embedding, L_enc blocks, contrastive head; the views need no decoder),
 * plus NT-Xent's similarity matrix 2·(2B)²·projDim. Backward ≈ 2× forward, so total = 3 × forward.
 */
export function matmulFlopsPerStep(model: ModelConfig, batch: number): number {
  const n = (model.imageSize / model.patch) ** 2;
  const t = n + 1;
  const d = model.dim;
  const patchDim = model.patch * model.patch * 3;
  const embed = 2 * n * patchDim * d;
  const block = 24 * t * d * d + 4 * t * t * d;
  const genHead = 2 * n * d * 3 * model.mixtures * patchDim;
  const conHead = 2 * d * d + 2 * d * model.projDim;
  const clean = embed + (model.encLayers + model.decLayers) * block + genHead;
  const view = embed + model.encLayers * block + conHead;
  const similarity = 2 * (2 * batch) ** 2 * model.projDim;
  const forward = batch * (clean + 2 * view) + similarity;
  return 3 * forward;
}
