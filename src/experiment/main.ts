// The experiment page (experiment.html): exposes window.hybridExperiment.run(request), which trains
// and evaluates the weightings in the app's own worker, once per seed, and resolves with the results,
// the tables and the figures. scripts/experiment.mjs drives it from Playwright (it puts a person's own
// dataset and OOD files on the page's two file inputs first); a person can call it from the console too.

import { BUILTIN_DATASET } from '../app/common/builtinData';
import { BUILTIN_OOD } from '../app/eval/evalActions';
import { runExperiment, type ExperimentSources } from './driver';
import { lossCurvesSvg, tradeoffSvg } from './figures';
import { summariseSeeds, targetChecks, type SummaryRow, type TargetCheck } from './summary';
import { formatSeedTable, formatSummaryMarkdown, formatSummaryTable } from './table';
import type { ExperimentRequest, ExperimentResult, FileSelection } from './types';

export interface ExperimentOutput {
  result: ExperimentResult;
  summary: SummaryRow[];
  targets: TargetCheck[];
  /** Per-seed tables, then the summary, for the terminal. */
  table: string;
  markdown: string;
  figures: { tradeoff: string; lossCurves: string };
}

declare global {
  interface Window {
    hybridExperiment: { run(request: ExperimentRequest): Promise<ExperimentOutput> };
  }
}

const log = document.getElementById('log') as HTMLPreElement;

function say(line: string): void {
  // Console lines reach scripts/experiment.mjs (it prints them as progress).
  console.log(`[experiment] ${line}`);
  log.textContent += `${line}\n`;
}

/** The files on an input, checked against the paths the script says it put there, in the same order. */
function filesOf(inputId: string, selection: FileSelection): File[] {
  const files = Array.from((document.getElementById(inputId) as HTMLInputElement).files ?? []);
  if (files.length !== selection.paths.length) throw new Error(`${inputId}: ${files.length} files for ${selection.paths.length} paths`);
  files.forEach((file, i) => {
    const expected = selection.paths[i].split('/').pop();
    if (file.name !== expected) throw new Error(`${inputId}: file ${i} is ${file.name}, expected ${expected}`);
  });
  return files;
}

function sourcesFor(request: ExperimentRequest): ExperimentSources {
  return {
    dataset: request.dataset
      ? { kind: 'files', files: filesOf('dataset-input', request.dataset), paths: request.dataset.paths }
      : BUILTIN_DATASET,
    ood: request.ood ? { kind: 'files', files: filesOf('ood-input', request.ood) } : BUILTIN_OOD,
    oodName: request.ood ? request.ood.name : BUILTIN_OOD.kind === 'url' ? BUILTIN_OOD.name : 'built-in',
  };
}

async function run(request: ExperimentRequest): Promise<ExperimentOutput> {
  const result = await runExperiment(request, sourcesFor(request), say);
  const summary = summariseSeeds(result);
  const targets = targetChecks(summary);
  const perSeed = result.seeds.map((s) => `seed ${s.seed}:\n${formatSeedTable(s)}`);
  const table = [...perSeed, formatSummaryTable(summary, result.seeds.length)].join('\n\n');
  say(table);
  return {
    result,
    summary,
    targets,
    table,
    markdown: formatSummaryMarkdown(summary),
    figures: { tradeoff: tradeoffSvg(result), lossCurves: lossCurvesSvg(result) },
  };
}

window.hybridExperiment = { run };
