// The experiment page (experiment.html): exposes window.hybridExperiment.run(request), which trains
// and evaluates the three weightings in the app's own worker and resolves with the comparison table.
// scripts/experiment.mjs drives it from Playwright; a person can call it from the console too.

import { runExperiment } from './driver';
import { formatExperimentTable } from './table';
import type { ExperimentRequest, ExperimentResult } from './types';

declare global {
  interface Window {
    hybridExperiment: { run(request: ExperimentRequest): Promise<{ result: ExperimentResult; table: string }> };
  }
}

const log = document.getElementById('log') as HTMLPreElement;

function say(line: string): void {
  // Console lines reach scripts/experiment.mjs (it prints them as progress).
  console.log(`[experiment] ${line}`);
  log.textContent += `${line}\n`;
}

async function run(request: ExperimentRequest): Promise<{ result: ExperimentResult; table: string }> {
  const result = await runExperiment(request, say);
  const table = formatExperimentTable(result);
  say(table);
  return { result, table };
}

window.hybridExperiment = { run };
