import { describe, expect, it } from 'vitest';
import { summariseSeeds } from './summary';
import { formatSeedTable, formatSummaryMarkdown, formatSummaryTable } from './table';
import { baseline, row } from './experiment.testing';

describe('formatSeedTable', () => {
  const seed = {
    baselines: [baseline('untrained', { linearAcc: 0.3 }), baseline('pixels', { linearAcc: 0.32, testBpd: null, oodAurocBpd: null })],
    rows: [row('generative', { linearAcc: 0.33 }, Number.NaN), row('contrastive', { linearAcc: 0.4 })],
  };
  const lines = formatSeedTable(seed).split('\n');

  it('baselines first, then one aligned line per run under a header and a rule', () => {
    expect(lines[0]).toMatch(/^row\s+λcon\s+λgen\s+steps\s+linear\s+vs untrained\s+kNN/);
    expect(lines[1]).toMatch(/^-+\s+-+/);
    expect(new Set(lines.slice(0, 6).map((l) => l.length)).size).toBe(1);
    expect(lines[2]).toMatch(/^untrained\s+–\s+–\s+–\s+0\.300±0\.040\s+–/);
    expect(lines[3]).toMatch(/^raw pixels .* –\s+–\s+–$/); // no bits/dim, no training
    expect(lines[4]).toMatch(/^generative\s+0\s+1\s+10\s+0\.330±0\.041/);
    expect(lines[4]).toMatch(/NaN$/);
  });

  it('marks a gain over the untrained row only when it is beyond chance', () => {
    // 0.33 vs 0.30 on 500 images each: 1.96·√(se² + se²) = 0.0575 > 0.03, no star.
    expect(lines[4]).toContain('+0.030 ');
    // 0.40 vs 0.30: 0.1 > 0.0596, a star.
    expect(lines[5]).toContain('+0.100*');
  });

  it('then the AUROCs per OOD part and what ± means', () => {
    expect(lines[6]).toBe(
      'OOD AUROC bpd/feat vs letters: untrained 0.125/0.875 · raw pixels 0.125/0.875 · generative 0.125/0.875 · contrastive 0.125/0.875',
    );
    expect(lines[7]).toMatch(/^± = 95% interval/);
  });
});

describe('formatSummaryTable and formatSummaryMarkdown', () => {
  const summary = summariseSeeds({
    seeds: [
      {
        seed: 1,
        rows: [row('hybrid', { linearAcc: 0.4 })],
        baselines: [baseline('untrained', { linearAcc: 0.3 })],
        trainingSeconds: 1,
        evalSeconds: 1,
      },
      {
        seed: 2,
        rows: [row('hybrid', { linearAcc: 0.5 })],
        baselines: [baseline('untrained', { linearAcc: 0.3 })],
        trainingSeconds: 1,
        evalSeconds: 1,
      },
    ],
  });

  it('mean ± sd per cell, the gain over untrained signed', () => {
    const text = formatSummaryTable(summary, 2).split('\n');
    expect(text[0]).toBe('mean ± sd over 2 seeds');
    // hybrid: 0.45 ± 0.0707; gain (0.1, 0.2) → +0.150 ± 0.071.
    expect(text[4]).toMatch(/^hybrid\s+0\.450 ± 0\.071\s+\+0\.150 ± 0\.071/);
  });

  it('as a Markdown table with a header rule', () => {
    const md = formatSummaryMarkdown(summary).split('\n');
    expect(md[0]).toBe('| row | linear | vs untrained | kNN | AUROC bpd | AUROC feat | corr acc | corr/clean | ECE | test bpd |');
    expect(md[1]).toBe('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    expect(md[2]).toMatch(/^\| untrained network \| 0\.300 ± 0\.000 \| – \|/);
  });
});
