// The experiment's figures as standalone SVG (for docs/results.md): the trade-off plot (linear-probe
// accuracy against OOD AUROC, trajectories over evaluation steps, error bars, baselines) and the loss
// curves. Plain string building, no DOM, so the page that runs the experiment and the unit tests
// produce the same bytes; means are over seeds.

import { meanAndSd, standardErrors } from '../eval/uncertainty';
import { RUN_COLORS } from '../runPresets';
import type { ExperimentResult } from './types';

const WIDTH = 640;
const HEIGHT = 420;
const MARGIN = { left: 64, right: 170, top: 40, bottom: 56 };
const GREY = '#6b7280';

interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const n2 = (v: number) => (Math.round(v * 100) / 100).toString();

/** Round tick values covering [lo, hi]: about `count` of them at 1, 2 or 5 × a power of ten. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** [lo, hi] of the finite values, padded by `pad` of the span (or ±0.5 around a single value). */
export function paddedExtent(values: readonly number[], pad = 0.08): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (hi === lo) return [lo - 0.5, hi + 0.5];
  return [lo - (hi - lo) * pad, hi + (hi - lo) * pad];
}

class Plot {
  readonly parts: string[] = [];
  constructor(
    readonly box: Box,
    readonly xDomain: [number, number],
    readonly yDomain: [number, number],
  ) {}

  x(v: number): number {
    const [a, b] = this.xDomain;
    return this.box.x0 + ((v - a) / (b - a)) * (this.box.x1 - this.box.x0);
  }

  y(v: number): number {
    const [a, b] = this.yDomain;
    return this.box.y1 - ((v - a) / (b - a)) * (this.box.y1 - this.box.y0);
  }

  axes(xLabel: string, yLabel: string): void {
    const { x0, x1, y0, y1 } = this.box;
    this.parts.push(`<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" fill="none" stroke="#d1d5db"/>`);
    for (const t of niceTicks(...this.xDomain)) {
      const x = n2(this.x(t));
      this.parts.push(`<line x1="${x}" x2="${x}" y1="${y0}" y2="${y1}" stroke="#eef0f3"/>`);
      this.parts.push(`<text x="${x}" y="${y1 + 16}" text-anchor="middle">${t}</text>`);
    }
    for (const t of niceTicks(...this.yDomain)) {
      const y = n2(this.y(t));
      this.parts.push(`<line x1="${x0}" x2="${x1}" y1="${y}" y2="${y}" stroke="#eef0f3"/>`);
      this.parts.push(`<text x="${x0 - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${t}</text>`);
    }
    this.parts.push(`<text x="${(x0 + x1) / 2}" y="${y1 + 36}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
    this.parts.push(
      `<text transform="translate(${x0 - 46} ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
    );
  }

  line(xs: readonly number[], ys: readonly number[], color: string, width = 2, dash = ''): void {
    const points = xs
      .map((x, i) => [x, ys[i]])
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
      .map(([x, y]) => `${n2(this.x(x))},${n2(this.y(y))}`);
    if (points.length < 2) return;
    const dashed = dash ? ` stroke-dasharray="${dash}"` : '';
    this.parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="${width}"${dashed}/>`);
  }

  /** A point with optional error bars (half-widths in data units). */
  point(x: number, y: number, color: string, shape: 'circle' | 'square', ex = 0, ey = 0, r = 5): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    const cx = this.x(x);
    const cy = this.y(y);
    if (ex > 0)
      this.parts.push(`<line x1="${n2(this.x(x - ex))}" x2="${n2(this.x(x + ex))}" y1="${n2(cy)}" y2="${n2(cy)}" stroke="${color}"/>`);
    if (ey > 0)
      this.parts.push(`<line x1="${n2(cx)}" x2="${n2(cx)}" y1="${n2(this.y(y - ey))}" y2="${n2(this.y(y + ey))}" stroke="${color}"/>`);
    this.parts.push(
      shape === 'circle'
        ? `<circle cx="${n2(cx)}" cy="${n2(cy)}" r="${r}" fill="${color}" stroke="#111827" data-kind="point"/>`
        : `<rect x="${n2(cx - r)}" y="${n2(cy - r)}" width="${2 * r}" height="${2 * r}" fill="${color}" stroke="#111827" data-kind="baseline"/>`,
    );
  }
}

function legend(entries: readonly { label: string; color: string; shape: 'circle' | 'square' | 'line' }[], x: number, y: number): string[] {
  return entries.flatMap((e, i) => {
    const cy = y + i * 20;
    const mark =
      e.shape === 'circle'
        ? `<circle cx="${x + 6}" cy="${cy}" r="5" fill="${e.color}" stroke="#111827"/>`
        : e.shape === 'square'
          ? `<rect x="${x + 1}" y="${cy - 5}" width="10" height="10" fill="${e.color}" stroke="#111827"/>`
          : `<line x1="${x}" x2="${x + 14}" y1="${cy}" y2="${cy}" stroke="${e.color}" stroke-width="2"/>`;
    return [mark, `<text x="${x + 20}" y="${cy}" dominant-baseline="middle">${escapeXml(e.label)}</text>`];
  });
}

/** The whole image: a title, the body, and the caption lines under it. */
function svg(title: string, caption: readonly string[], body: string[], height = HEIGHT): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12" fill="#111827">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...body,
    ...caption.map(
      (line, i) =>
        `<text x="${MARGIN.left}" y="${height - 8 - (caption.length - 1 - i) * 14}" fill="${GREY}" font-size="11">${escapeXml(line)}</text>`,
    ),
    '</svg>',
    '',
  ].join('\n');
}

const colorOf = (i: number) => RUN_COLORS[i % RUN_COLORS.length];

function weightingsOf(result: Pick<ExperimentResult, 'seeds'>): string[] {
  return [...new Set(result.seeds.flatMap((s) => s.rows.map((r) => r.weighting)))];
}

/**
 * x = linear-probe accuracy, y = OOD AUROC of the feature score. Per weighting: the trajectory of the
 * means over seeds at each evaluated step, and the last point with error bars of ± sd over seeds (or,
 * with one seed, the 95% interval). Baselines as grey squares.
 */
export function tradeoffSvg(result: Pick<ExperimentResult, 'seeds'>): string {
  const weightings = weightingsOf(result);
  const seeds = result.seeds.length;
  const series = weightings.map((weighting) => {
    // Every run of a seed starts from that seed's untrained network: its step 0.
    const trajectories = result.seeds.flatMap((s) =>
      s.rows
        .filter((r) => r.weighting === weighting)
        .map((r) => {
          const untrained = s.baselines.find((b) => b.kind === 'untrained');
          return untrained ? [{ step: 0, results: untrained.results }, ...r.trajectory] : r.trajectory;
        }),
    );
    const steps = [...new Set(trajectories.flatMap((t) => t.map((p) => p.step)))].sort((a, b) => a - b);
    const at = (step: number, key: 'linearAcc' | 'oodAurocFeature') =>
      meanAndSd(trajectories.map((t) => t.find((p) => p.step === step)?.results[key]).filter((v): v is number => typeof v === 'number'));
    return { weighting, steps, xs: steps.map((s) => at(s, 'linearAcc')), ys: steps.map((s) => at(s, 'oodAurocFeature')) };
  });
  const baselines = (['untrained', 'pixels'] as const).map((kind) => {
    const records = result.seeds.flatMap((s) => s.baselines.filter((b) => b.kind === kind));
    const pick = (key: 'linearAcc' | 'oodAurocFeature') =>
      meanAndSd(records.map((b) => b.results[key]).filter((v): v is number => typeof v === 'number'));
    return { label: kind === 'untrained' ? 'untrained network' : 'raw pixels', x: pick('linearAcc'), y: pick('oodAurocFeature') };
  });
  // One seed has no spread: its error bars are the 95% interval of that seed's numbers instead.
  const bars = series.map((s) => ({
    ex: seeds > 1 ? (s.xs.at(-1)?.sd ?? 0) : 1.96 * oneSeedSe(result, s.weighting, 'linearAcc'),
    ey: seeds > 1 ? (s.ys.at(-1)?.sd ?? 0) : 1.96 * oneSeedSe(result, s.weighting, 'oodAurocFeature'),
  }));
  const ends = (cells: { mean: number }[], bar: number) => {
    const last = cells.at(-1)?.mean ?? Number.NaN;
    return [last - bar, last + bar];
  };
  const allX = [...series.flatMap((s, i) => [...s.xs.map((c) => c.mean), ...ends(s.xs, bars[i].ex)]), ...baselines.map((b) => b.x.mean)];
  const allY = [...series.flatMap((s, i) => [...s.ys.map((c) => c.mean), ...ends(s.ys, bars[i].ey)]), ...baselines.map((b) => b.y.mean)];
  const plot = new Plot(
    { x0: MARGIN.left, x1: WIDTH - MARGIN.right, y0: MARGIN.top, y1: HEIGHT - MARGIN.bottom - 14 },
    paddedExtent(allX, 0.15),
    paddedExtent(allY, 0.15),
  );
  plot.axes('linear-probe accuracy', 'OOD AUROC (feature score)');
  for (const [i, b] of baselines.entries()) plot.point(b.x.mean, b.y.mean, i === 0 ? '#9ca3af' : '#4b5563', 'square');
  for (const [i, s] of series.entries()) {
    plot.line(
      s.xs.map((c) => c.mean),
      s.ys.map((c) => c.mean),
      colorOf(i),
      1.5,
      '4 3',
    );
    s.xs.slice(0, -1).forEach((c, k) => plot.point(c.mean, s.ys[k].mean, colorOf(i), 'circle', 0, 0, 3));
    const last = s.xs.length - 1;
    if (last < 0) continue;
    plot.point(s.xs[last].mean, s.ys[last].mean, colorOf(i), 'circle', bars[i].ex, bars[i].ey, 6);
  }
  const entries = [
    ...weightings.map((w, i) => ({ label: w, color: colorOf(i), shape: 'circle' as const })),
    { label: 'untrained network', color: '#9ca3af', shape: 'square' as const },
    { label: 'raw pixels', color: '#4b5563', shape: 'square' as const },
  ];
  const steps = series[0]?.steps ?? [];
  const caption = [
    seeds > 1
      ? `Means over ${seeds} seeds at steps ${steps.join(', ')} (step 0: the untrained network); bars: ± sd over seeds.`
      : `One seed, at steps ${steps.join(', ')} (step 0: the untrained network); bars: 95% interval (1.96 SE).`,
    'Squares: the baselines on the same subsets. Dashed: each weighting’s path over training.',
  ];
  return svg('Trade-off: discrimination vs OOD detection', caption, [
    ...plot.parts,
    ...legend(entries, WIDTH - MARGIN.right + 16, MARGIN.top + 10),
  ]);
}

function oneSeedSe(result: Pick<ExperimentResult, 'seeds'>, weighting: string, key: 'linearAcc' | 'oodAurocFeature'): number {
  const row = result.seeds[0]?.rows.find((r) => r.weighting === weighting);
  return row ? (standardErrors(row.results)[key] ?? 0) : 0;
}

/** Training bits/dim (left) and L_con (right) against step, each weighting's mean over seeds. */
export function lossCurvesSvg(result: Pick<ExperimentResult, 'seeds'>): string {
  const weightings = weightingsOf(result);
  const height = 360;
  const curves = weightings.map((weighting) => {
    const rows = result.seeds.flatMap((s) => s.rows.filter((r) => r.weighting === weighting));
    const steps = rows[0]?.curve.steps ?? [];
    const mean = (key: 'bitsPerDim' | 'lossCon') =>
      steps.map((_, k) => meanAndSd(rows.map((r) => r.curve[key][k]).filter(Number.isFinite)).mean);
    return { weighting, steps, bpd: mean('bitsPerDim'), con: mean('lossCon') };
  });
  const allSteps = curves.flatMap((c) => c.steps);
  const stepDomain: [number, number] = [0, Math.max(1, ...allSteps)];
  const half = (WIDTH - MARGIN.left - 40) / 2;
  const bpdPlot = new Plot(
    { x0: MARGIN.left, x1: MARGIN.left + half - 30, y0: MARGIN.top + 24, y1: height - MARGIN.bottom - 14 },
    stepDomain,
    paddedExtent(curves.flatMap((c) => c.bpd)),
  );
  const conPlot = new Plot(
    { x0: MARGIN.left + half + 40, x1: WIDTH - 20, y0: MARGIN.top + 24, y1: height - MARGIN.bottom - 14 },
    stepDomain,
    paddedExtent(curves.flatMap((c) => c.con)),
  );
  bpdPlot.axes('step', 'training bits/dim');
  conPlot.axes('step', 'L_con (NT-Xent)');
  curves.forEach((c, i) => {
    bpdPlot.line(c.steps, c.bpd, colorOf(i));
    conPlot.line(c.steps, c.con, colorOf(i));
  });
  const entries = weightings.map((w, i) => ({ label: w, color: colorOf(i), shape: 'line' as const }));
  const legendParts = entries.flatMap((e, i) => legend([e], MARGIN.left + i * 130, MARGIN.top + 2));
  const seeds = result.seeds.length;
  return svg(
    'Training losses',
    [
      `Mean over ${seeds} seed${seeds === 1 ? '' : 's'}, each point the mean of a bucket of steps.`,
      "The contrastive-only run's bits/dim come from a decoder it never trains.",
    ],
    [...legendParts, ...bpdPlot.parts, ...conPlot.parts],
    height,
  );
}
