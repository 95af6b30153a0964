import { describe, expect, it } from 'vitest';
import { expectedCalibrationError } from './calibration';

describe('expectedCalibrationError', () => {
  // Five samples, two classes. Confidences are the row maxima; with 15 bins of width 1/15 a confidence
  // c lands in bin ⌈15c⌉ − 1 (chosen away from bin edges so float32 cannot move them):
  //   row               label  pred  conf  bin  correct
  //   [0.90, 0.10]      0      0     0.90  13   yes
  //   [0.10, 0.90]      0      1     0.90  13   no
  //   [0.15, 0.85]      1      1     0.85  12   yes
  //   [0.55, 0.45]      1      0     0.55   8   no
  //   [0.30, 0.70]      1      1     0.70  10   yes
  // bin 13: 2 samples, acc ½, conf 0.9  → 2/5 · |0.5 − 0.9|  = 0.16
  // bin 12: 1 sample,  acc 1, conf 0.85 → 1/5 · 0.15         = 0.03
  // bin  8: 1 sample,  acc 0, conf 0.55 → 1/5 · 0.55         = 0.11
  // bin 10: 1 sample,  acc 1, conf 0.7  → 1/5 · 0.3          = 0.06
  // ECE = 0.36.
  const probs = new Float32Array([0.9, 0.1, 0.1, 0.9, 0.15, 0.85, 0.55, 0.45, 0.3, 0.7]);
  const labels = new Int32Array([0, 0, 1, 1, 1]);

  it('matches the hand-computed 15-bin value', () => {
    expect(expectedCalibrationError(probs, labels, 2)).toBeCloseTo(0.36, 6);
  });

  it('with one bin is |accuracy − mean confidence|', () => {
    // accuracy 3/5 = 0.6; mean confidence (0.9 + 0.9 + 0.85 + 0.55 + 0.7)/5 = 0.78 → 0.18.
    expect(expectedCalibrationError(probs, labels, 2, 1)).toBeCloseTo(0.18, 6);
  });

  it('is 0 for a confident, always-right predictor and 1 for a confident, always-wrong one', () => {
    const p = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(expectedCalibrationError(p, new Int32Array([0, 1, 2]), 3)).toBe(0);
    expect(expectedCalibrationError(p, new Int32Array([1, 2, 0]), 3)).toBe(1);
  });

  it('rejects mismatched shapes', () => {
    expect(() => expectedCalibrationError(new Float32Array(5), new Int32Array(2), 3)).toThrow();
  });
});
