// Area under the ROC curve, used for out-of-distribution detection (docs/evaluations.md): the positives are the
// OOD images, the negatives the in-distribution test images, and a score is "more OOD" when higher
// (bits/dim, or 1 − max cosine similarity to train features).
//
// AUROC equals the Mann–Whitney U statistic divided by nPos·nNeg: the probability that a random
// positive outranks a random negative, with ties counted as 1/2. Computing it from ranks is
// O(n log n) instead of the O(nPos·nNeg) pair count, which matters at 10k × 10k.

/**
 * P(score of a random positive > score of a random negative) + ½·P(equal).
 * Throws when either side is empty or a score is NaN (an AUROC of such data would be a silent lie).
 */
export function auroc(scoresPositive: ArrayLike<number>, scoresNegative: ArrayLike<number>): number {
  const nPos = scoresPositive.length;
  const nNeg = scoresNegative.length;
  if (nPos === 0 || nNeg === 0) throw new Error(`auroc: needs both classes (got ${nPos} positives, ${nNeg} negatives)`);
  const n = nPos + nNeg;
  const values = new Float64Array(n);
  for (let i = 0; i < nPos; i++) values[i] = scoresPositive[i];
  for (let i = 0; i < nNeg; i++) values[nPos + i] = scoresNegative[i];
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(values[i])) throw new Error('auroc: NaN score');
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a] - values[b]);

  // Sum of the (1-based) ranks of the positives; a run of tied values shares its mean rank,
  // which is exactly what counts a tied positive/negative pair as 1/2.
  let rankSumPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const meanRank = (i + 1 + (j + 1)) / 2;
    for (let t = i; t <= j; t++) if (order[t] < nPos) rankSumPos += meanRank;
    i = j + 1;
  }
  const u = rankSumPos - (nPos * (nPos + 1)) / 2;
  return u / (nPos * nNeg);
}
