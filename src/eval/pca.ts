// PCA projection for the live embedding view: the representations r(x) of a fixed probe
// set, projected onto their top principal axes every K steps.
//
// The covariance (n×d → d×d, the large part) is a matMul on the device; its eigen-decomposition is
// plain TypeScript cyclic Jacobi in float64 (d ≤ 256): exact to round-off for every eigenpair, with
// no convergence trouble when the top eigenvalues are close, as they often are for representations.
// Eigenvectors have no intrinsic sign, so frames are kept consistent by stabiliseSigns.

import * as tf from '@tensorflow/tfjs';

export interface PcaResult {
  /** n×k row-major: each row projected on the k components. */
  coords: Float32Array;
  /** k×d row-major: unit principal axes, largest variance first. */
  components: Float32Array;
  /** d: the mean removed before projecting (needed to project other points, e.g. the OOD set). */
  mean: Float32Array;
  /** k: variance along each component (eigenvalues of the covariance, divisor n − 1). */
  variances: Float32Array;
  /** Sum of all d eigenvalues, for "explained variance" readouts. */
  totalVariance: number;
}

export interface PcaOptions {
  /** Previous frame's components (k×d): signs are flipped to agree with them. */
  previousComponents?: Float32Array | null;
}

/** Principal component analysis of n×d row-major features onto k components (default 2). */
export async function pca(features: Float32Array, n: number, d: number, k = 2, opts: PcaOptions = {}): Promise<PcaResult> {
  if (features.length !== n * d) throw new Error(`pca: features has ${features.length} values, expected ${n}×${d}`);
  if (n < 2) throw new Error('pca: needs at least 2 rows');
  if (k < 1 || k > d) throw new Error(`pca: k=${k} must be in 1..${d}`);
  const [meanT, covT] = tf.tidy(() => {
    const x = tf.tensor2d(features, [n, d]);
    const mean = tf.mean(x, 0);
    const xc = tf.sub(x, mean);
    return [mean, tf.div(tf.matMul(xc, xc, true, false), n - 1)];
  });
  let mean: Float32Array;
  let cov: Float64Array;
  try {
    mean = Float32Array.from(await meanT.data());
    cov = Float64Array.from(await covT.data());
  } finally {
    meanT.dispose();
    covT.dispose();
  }
  // Symmetrise: float32 matMul round-off leaves cov[i][j] and cov[j][i] a few ulps apart.
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const v = (cov[i * d + j] + cov[j * d + i]) / 2;
      cov[i * d + j] = v;
      cov[j * d + i] = v;
    }
  }
  const eig = symmetricEigen(cov, d);
  let totalVariance = 0;
  for (let i = 0; i < d; i++) totalVariance += eig.values[i];
  let components: Float32Array = new Float32Array(k * d);
  for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) components[i * d + j] = eig.vectors[i * d + j];
  components = canonicalSigns(components, k, d);
  if (opts.previousComponents) components = stabiliseSigns(components, opts.previousComponents, d);
  return {
    coords: projectPca(features, d, mean, components),
    components,
    mean,
    variances: Float32Array.from(eig.values.subarray(0, k)),
    totalVariance,
  };
}

/** Projects n×d features (any set, e.g. the OOD overlay) with a fitted mean and k×d components. */
export function projectPca(features: Float32Array, d: number, mean: Float32Array, components: Float32Array): Float32Array {
  const n = features.length / d;
  const k = components.length / d;
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (features[i * d + j] - mean[j]) * components[c * d + j];
      out[i * k + c] = s;
    }
  }
  return out;
}

/**
 * Flips each component (row of k×d) whose dot product with the same row of the previous frame is
 * negative, so the projection does not mirror between frames. Returns a new array.
 */
export function stabiliseSigns(components: Float32Array, previousComponents: Float32Array, d: number): Float32Array {
  const out = Float32Array.from(components);
  const k = Math.min(components.length, previousComponents.length) / d;
  for (let c = 0; c < k; c++) {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += components[c * d + j] * previousComponents[c * d + j];
    if (dot < 0) for (let j = 0; j < d; j++) out[c * d + j] = -components[c * d + j];
  }
  return out;
}

// With no previous frame, fix each sign by a rule of the data alone (largest |entry| positive), so the
// first frame is reproducible rather than whatever Jacobi happened to produce.
function canonicalSigns(components: Float32Array, k: number, d: number): Float32Array {
  const out = Float32Array.from(components);
  for (let c = 0; c < k; c++) {
    let arg = 0;
    for (let j = 1; j < d; j++) if (Math.abs(out[c * d + j]) > Math.abs(out[c * d + arg])) arg = j;
    if (out[c * d + arg] < 0) for (let j = 0; j < d; j++) out[c * d + j] = -out[c * d + j];
  }
  return out;
}

/**
 * Eigen-decomposition of a symmetric d×d matrix (row-major) by cyclic Jacobi rotations.
 * Returns eigenvalues in descending order and the matching unit eigenvectors as rows (d×d).
 */
export function symmetricEigen(matrix: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let scale = 0;
  for (let i = 0; i < d * d; i++) scale += a[i] * a[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q] * a[p * d + q];
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        // Rotation angle that zeroes a[p][q] (Numerical Recipes §11.1, the smaller root for stability).
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < d; r++) {
          // Columns p and q: A ← A·G.
          const arp = a[r * d + p];
          const arq = a[r * d + q];
          a[r * d + p] = c * arp - s * arq;
          a[r * d + q] = s * arp + c * arq;
        }
        for (let r = 0; r < d; r++) {
          // Rows p and q: A ← Gᵀ·A.
          const apr = a[p * d + r];
          const aqr = a[q * d + r];
          a[p * d + r] = c * apr - s * aqr;
          a[q * d + r] = s * apr + c * aqr;
        }
        a[p * d + q] = 0;
        a[q * d + p] = 0;
        for (let r = 0; r < d; r++) {
          // Accumulate eigenvectors as the columns of V ← V·G.
          const vrp = v[r * d + p];
          const vrq = v[r * d + q];
          v[r * d + p] = c * vrp - s * vrq;
          v[r * d + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[j * d + j] - a[i * d + i]);
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((col, row) => {
    values[row] = a[col * d + col];
    for (let r = 0; r < d; r++) vectors[row * d + r] = v[r * d + col];
  });
  return { values, vectors };
}
