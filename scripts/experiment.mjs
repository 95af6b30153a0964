#!/usr/bin/env node
// `npm run experiment`: trains the three loss weightings — generative only (λ_con = 0),
// hybrid (1, 1), contrastive only (λ_gen = 0) — from the same initial weights on the same batches, for
// each seed, evaluates them every --eval-every steps and at the end with the evaluation suite beside
// two baselines (the untrained network, the raw pixels) on the same subsets, prints each seed's table
// (with 95% intervals) and the mean ± sd over seeds, and saves the results as JSON and the trade-off
// plot and loss curves as SVG. Node cannot decode images or run the app's worker, so this builds the app
// with its experiment.html page, serves it cross-origin isolated like `vite preview`, and runs the
// app's own worker in headless system Chromium (src/experiment/). A person's own dataset and OOD set go
// through the app's importer: files, folders and zips are put on the page's file inputs.
//
//   npm run experiment [-- --steps N] [--seeds N] [--seed FIRST] [--eval-every N]
//                      [--dataset PATH]... [--ood-set PATH]... [--preset tiny|small|large]
//                      [--backend wasm|webgpu|webgl|cpu] [--train N] [--test N] [--ood N]
//                      [--out FILE] [--figures DIR] [--port N] [--dist DIR] [--no-build]
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, closeAll, launchChromium, root, serveBuild } from './lib/harness.mjs';

const USAGE = 'see the header of scripts/experiment.mjs';

function parseArgs(argv) {
  const args = {
    // 2,000 tiny steps is where the weightings part clearly here (docs/results.md); 250 shows nothing yet.
    steps: 2000,
    seeds: 1,
    seed: 1,
    evalEvery: null,
    preset: 'tiny',
    backend: 'wasm',
    train: 2000,
    test: 500,
    ood: 500,
    dataset: [],
    oodSet: [],
    out: path.join(root, 'docs', 'experiment-results.json'),
    figures: path.join(root, 'docs', 'figures'),
    dist: path.join(root, 'node_modules', '.experiment-dist'),
    port: 4195,
    build: true,
  };
  const integer = (name, raw, min) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min} (${USAGE})`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value (${USAGE})`);
      return argv[++i];
    };
    if (a === '--steps') args.steps = integer(a, value(), 1);
    else if (a === '--seeds') args.seeds = integer(a, value(), 1);
    else if (a === '--seed') args.seed = integer(a, value(), 0);
    else if (a === '--eval-every') args.evalEvery = integer(a, value(), 0);
    else if (a === '--preset') args.preset = value();
    else if (a === '--backend') args.backend = value();
    else if (a === '--train') args.train = integer(a, value(), 1);
    else if (a === '--test') args.test = integer(a, value(), 1);
    else if (a === '--ood') args.ood = integer(a, value(), 1);
    else if (a === '--dataset') args.dataset.push(path.resolve(value()));
    else if (a === '--ood-set') args.oodSet.push(path.resolve(value()));
    else if (a === '--out') args.out = path.resolve(value());
    else if (a === '--figures') args.figures = path.resolve(value());
    else if (a === '--port') args.port = integer(a, value(), 1);
    else if (a === '--dist') args.dist = path.resolve(value());
    else if (a === '--no-build') args.build = false;
    else throw new Error(`unknown argument ${a} (${USAGE})`);
  }
  // Four points on each trajectory by default: enough to see the runs part, few enough to keep the
  // evaluation time a fraction of the training time.
  if (args.evalEvery === null) args.evalEvery = args.steps >= 8 ? Math.floor(args.steps / 4) : 0;
  return args;
}

/**
 * Every file under the given files and folders, with its path as the importer should see it: a
 * folder keeps its own name as the first part (the importer skips a lone wrapper folder, and the
 * first folder level inside is the class). Sorted, so the same arguments give the same order.
 */
function collectFiles(roots) {
  const files = [];
  const walk = (absolute, relative) => {
    const stat = statSync(absolute);
    if (stat.isDirectory()) {
      for (const name of readdirSync(absolute).sort()) walk(path.join(absolute, name), `${relative}/${name}`);
    } else if (stat.isFile()) {
      files.push({ absolute, relative });
    }
  };
  for (const r of roots) walk(r, path.basename(r));
  return files;
}

function selection(roots, input) {
  if (roots.length === 0) return null;
  const files = collectFiles(roots);
  if (files.length === 0) throw new Error(`no files under ${roots.join(', ')}`);
  const name = roots.length === 1 ? path.basename(roots[0]) : `${roots.length} sources`;
  return { input, files, request: { name, paths: files.map((f) => f.relative) } };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const dataset = selection(args.dataset, '#dataset-input');
  const ood = selection(args.oodSet, '#ood-input');
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  if (args.build) {
    console.log(`building the app with experiment.html into ${path.relative(root, args.dist)} …`);
    await buildApp(args.dist, 'experiment.html');
  }
  const { server, origin } = await serveBuild(args.dist, args.port);
  const browser = await launchChromium();
  const errors = [];
  const loadAtStart = os.loadavg();
  try {
    const page = await browser.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
      else if (msg.text().startsWith('[experiment] ')) console.log(`[${elapsed()}] ${msg.text().slice(13)}`);
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${origin}/experiment.html`);
    await page.waitForFunction(() => 'hybridExperiment' in window);
    for (const chosen of [dataset, ood]) {
      if (chosen)
        await page.setInputFiles(
          chosen.input,
          chosen.files.map((f) => f.absolute),
        );
    }
    const request = {
      preset: args.preset,
      backend: args.backend,
      steps: args.steps,
      seeds: Array.from({ length: args.seeds }, (_, i) => args.seed + i),
      weightings: ['generative', 'hybrid', 'contrastive'],
      eval: { trainSubset: args.train, testSubset: args.test, oodSubset: args.ood, includeSynthetic: true },
      evalEvery: args.evalEvery,
      dataset: dataset?.request ?? null,
      ood: ood?.request ?? null,
    };
    const shown = { ...request, dataset: dataset && `${dataset.files.length} files`, ood: ood && `${ood.files.length} files` };
    console.log(
      `request ${JSON.stringify(shown)}; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${loadAtStart[0].toFixed(2)}`,
    );
    // Playwright's default 30 s would end the experiment: it runs as long as it takes.
    page.setDefaultTimeout(0);
    const output = await page.evaluate((r) => window.hybridExperiment.run(r), request);
    const wallSeconds = (Date.now() - started) / 1000;
    const machine = {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      chromium: browser.version(),
      node: process.version,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: os.loadavg(),
    };
    mkdirSync(path.dirname(args.out), { recursive: true });
    mkdirSync(args.figures, { recursive: true });
    const { result, summary, targets, table, markdown, figures } = output;
    // NaN (L_con of a run without the contrastive loss) has no JSON form: written as null.
    writeFileSync(
      args.out,
      `${JSON.stringify({ ...result, machine, wallSeconds, summary, targets, markdown, table: table.split('\n') }, null, 2)}\n`,
    );
    const tradeoffFile = path.join(args.figures, 'tradeoff.svg');
    const lossFile = path.join(args.figures, 'loss-curves.svg');
    writeFileSync(tradeoffFile, figures.tradeoff);
    writeFileSync(lossFile, figures.lossCurves);
    console.log(`\n${table}\n\n${markdown}\n`);
    for (const t of targets) console.log(`${t.met ? 'met    ' : 'NOT met'}  ${t.target}: ${t.detail}`);
    const training = result.seeds.reduce((s, r) => s + r.trainingSeconds, 0);
    const evaluation = result.seeds.reduce((s, r) => s + r.evalSeconds, 0);
    console.log(
      `\ntraining ${training.toFixed(0)} s, evaluation ${evaluation.toFixed(0)} s, total ${elapsed()}; load average ${loadAtStart[0].toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`,
    );
    console.log(`saved ${[args.out, tradeoffFile, lossFile].map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  } finally {
    await closeAll(browser, server);
  }
  if (errors.length) {
    console.error(`console errors (${errors.length}):\n  ${errors.slice(0, 20).join('\n  ')}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(`experiment failed: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
});
