// Small float64 vector helpers and the L-BFGS two-loop recursion used by the linear probe. The
// parameter vector is only (d+1)·C long, so this bookkeeping stays in plain TypeScript while the
// expensive loss/gradient runs on the device.

// L-BFGS two-loop recursion: returns −H·g for the implicit inverse-Hessian H of the stored pairs.
export function twoLoopDirection(g: Float64Array, s: Float64Array[], y: Float64Array[], rho: number[]): Float64Array {
  const q = Float64Array.from(g);
  const k = s.length;
  const alpha = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    alpha[i] = rho[i] * dot(s[i], q);
    for (let j = 0; j < q.length; j++) q[j] -= alpha[i] * y[i][j];
  }
  if (k > 0) {
    // Initial Hessian scale γ = sᵀy / yᵀy from the newest pair (Nocedal & Wright 7.20).
    const gamma = dot(s[k - 1], y[k - 1]) / dot(y[k - 1], y[k - 1]);
    for (let j = 0; j < q.length; j++) q[j] *= gamma;
  }
  for (let i = 0; i < k; i++) {
    const beta = rho[i] * dot(y[i], q);
    for (let j = 0; j < q.length; j++) q[j] += s[i][j] * (alpha[i] - beta);
  }
  return negate(q);
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
export function negate(a: Float64Array): Float64Array {
  return a.map((v) => -v);
}
export function sub(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v - b[i]);
}
// a·x + y
export function axpy(a: number, x: Float64Array, y: Float64Array): Float64Array {
  return y.map((v, i) => v + a * x[i]);
}
