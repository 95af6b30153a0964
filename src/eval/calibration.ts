// Expected calibration error of the linear probe (docs/evaluations.md#calibration, 15 bins): how far the probe's stated
// confidence (its top probability) is from its actual accuracy, averaged over confidence bins and
// weighted by how many samples land in each bin.

/**
 * ECE = Σ_b (|B_b| / n) · |acc(B_b) − conf(B_b)| over equal-width bins of the top-class probability.
 * Bins are (lo, hi] as in Guo et al. 2017, so a confidence of exactly 1 falls in the last bin and a
 * confidence of exactly 0 (impossible for a softmax) in the first.
 * @param probs n×numClasses, row-major, each row a probability distribution
 */
export function expectedCalibrationError(probs: Float32Array, labels: Int32Array, numClasses: number, bins = 15): number {
  const n = labels.length;
  if (probs.length !== n * numClasses) {
    throw new Error(`expectedCalibrationError: probs has ${probs.length} values, expected ${n}×${numClasses}`);
  }
  if (n === 0) throw new Error('expectedCalibrationError: no samples');
  const count = new Float64Array(bins);
  const sumConf = new Float64Array(bins);
  const sumCorrect = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let conf = probs[i * numClasses];
    for (let c = 1; c < numClasses; c++) {
      const p = probs[i * numClasses + c];
      if (p > conf) {
        conf = p;
        best = c;
      }
    }
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(conf * bins) - 1));
    count[b] += 1;
    sumConf[b] += conf;
    if (best === labels[i]) sumCorrect[b] += 1;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] > 0) ece += Math.abs(sumCorrect[b] - sumConf[b]) / n;
  }
  return ece;
}
