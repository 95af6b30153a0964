import { describe, expect, it } from 'vitest';
import { escapeXml, lossCurvesSvg, niceTicks, paddedExtent, tradeoffSvg } from './figures';
import { seedResult } from './experiment.testing';

describe('niceTicks and paddedExtent', () => {
  it('ticks at 1, 2 or 5 × a power of ten that cover the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.23, 0.41)).toEqual([0.25, 0.3, 0.35, 0.4]);
    expect(niceTicks(6.9, 9.1)).toEqual([7, 7.5, 8, 8.5, 9]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });

  it('pads the span of the finite values, or ±0.5 around one value', () => {
    expect(paddedExtent([1, 2, Number.NaN], 0.1)).toEqual([0.9, 2.1]);
    expect(paddedExtent([2])).toEqual([1.5, 2.5]);
    expect(paddedExtent([])).toEqual([0, 1]);
  });
});

describe('escapeXml', () => {
  it('escapes the five characters that break markup', () => {
    expect(escapeXml('a<b & "c">')).toBe('a&lt;b &amp; &quot;c&quot;&gt;');
  });
});

describe('tradeoffSvg and lossCurvesSvg', () => {
  const result = {
    seeds: [
      seedResult(1, [0.3, 0.4, 0.35], [0.09, 0.05, 0.06], [6.9, 7, 9]),
      seedResult(2, [0.34, 0.44, 0.37], [0.07, 0.05, 0.04], [6.9, 7, 9.1]),
    ],
  };

  it('a path per weighting from step 0 (the untrained network), the baselines as squares, a caption that says what the bars are', () => {
    const svg = tradeoffSvg(result);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // Three weightings × (steps 0 and 5 small, step 10 large): 9 points; two baselines.
    expect(svg.match(/data-kind="point"/g)).toHaveLength(9);
    expect(svg.match(/data-kind="baseline"/g)).toHaveLength(2);
    expect(svg.match(/<polyline/g)).toHaveLength(3);
    expect(svg).toContain('Means over 2 seeds at steps 0, 5, 10 (step 0: the untrained network); bars: ± sd over seeds.');
    for (const label of ['generative', 'hybrid', 'contrastive', 'untrained network', 'raw pixels'])
      expect(svg).toContain(`>${label}</text>`);
  });

  it('with one seed the bars are the 95% interval', () => {
    expect(tradeoffSvg({ seeds: result.seeds.slice(0, 1) })).toContain('bars: 95% interval (1.96 SE)');
  });

  it('two panels of one curve per weighting; no L_con curve for the generative run (it has none)', () => {
    const generativeOnly = {
      seeds: [
        {
          ...result.seeds[0],
          rows: [{ ...result.seeds[0].rows[0], curve: { steps: [5, 10], bitsPerDim: [8, 7.5], lossCon: [Number.NaN, Number.NaN] } }],
        },
      ],
    };
    expect(lossCurvesSvg(result).match(/<polyline/g)).toHaveLength(6);
    expect(lossCurvesSvg(generativeOnly).match(/<polyline/g)).toHaveLength(1);
  });
});
