#!/usr/bin/env node
// `npm run experiment`: trains the three loss weightings — generative only (λ_con = 0),
// hybrid (1, 1), contrastive only (λ_gen = 0) — on the built-in CIFAR-10 subset for a fixed number of
// steps each, evaluates them with the evaluation suite, prints the comparison table and saves it as
// JSON. Node cannot decode the JPEGs or run the app's worker, so this builds the app with its
// experiment.html page, serves it cross-origin isolated like `vite preview`, and runs the app's own
// worker in headless system Chromium (src/experiment/). Every figure comes from that run.
//
//   npm run experiment [-- --steps N] [--preset tiny|small|large] [--backend wasm|webgpu|webgl|cpu]
//                      [--seed N] [--train N] [--test N] [--ood N] [--out FILE] [--port N] [--no-build]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, closeAll, launchChromium, root, serveBuild } from './lib/harness.mjs';

function parseArgs(argv) {
  const args = {
    steps: 250,
    preset: 'tiny',
    backend: 'wasm',
    seed: 1,
    // Sized so that the default run finishes in under ten minutes on a 2-core machine (tiny, wasm).
    train: 2000,
    test: 500,
    ood: 500,
    out: path.join(root, 'docs', 'experiment-results.json'),
    dist: path.join(root, 'node_modules', '.experiment-dist'),
    port: 4195,
    build: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i];
    if (a === '--steps') args.steps = Number(value());
    else if (a === '--preset') args.preset = value();
    else if (a === '--backend') args.backend = value();
    else if (a === '--seed') args.seed = Number(value());
    else if (a === '--train') args.train = Number(value());
    else if (a === '--test') args.test = Number(value());
    else if (a === '--ood') args.ood = Number(value());
    else if (a === '--out') args.out = path.resolve(value());
    else if (a === '--port') args.port = Number(value());
    else if (a === '--no-build') args.build = false;
    else throw new Error(`unknown argument ${a} (see the header of scripts/experiment.mjs)`);
  }
  if (!Number.isInteger(args.steps) || args.steps < 1) throw new Error('--steps must be a positive integer');
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  if (args.build) {
    console.log(`building the app with experiment.html into ${path.relative(root, args.dist)} …`);
    await buildApp(args.dist, 'experiment.html');
  }
  const { server, origin } = await serveBuild(args.dist, args.port);
  const browser = await launchChromium();
  const errors = [];
  try {
    const page = await browser.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
      else if (msg.text().startsWith('[experiment] ')) console.log(`[${elapsed()}] ${msg.text().slice(13)}`);
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${origin}/experiment.html`);
    await page.waitForFunction(() => 'hybridExperiment' in window);
    const request = {
      preset: args.preset,
      backend: args.backend,
      steps: args.steps,
      seed: args.seed,
      weightings: ['generative', 'hybrid', 'contrastive'],
      eval: { trainSubset: args.train, testSubset: args.test, oodSubset: args.ood, includeSynthetic: true, autoEvery: 0 },
    };
    console.log(
      `request ${JSON.stringify(request)}; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg()[0].toFixed(2)}`,
    );
    const { result, table } = await page.evaluate((r) => window.hybridExperiment.run(r), request);
    const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, chromium: browser.version(), node: process.version };
    mkdirSync(path.dirname(args.out), { recursive: true });
    // NaN (L_con of a run without the contrastive loss) has no JSON form: written as null.
    writeFileSync(
      args.out,
      `${JSON.stringify({ ...result, machine, wallSeconds: (Date.now() - started) / 1000, table: table.split('\n') }, null, 2)}\n`,
    );
    console.log(`\n${table}\n`);
    console.log(
      `training ${result.trainingSeconds.toFixed(0)} s, evaluation ${result.evalSeconds.toFixed(0)} s, total ${elapsed()}; saved ${path.relative(process.cwd(), args.out)}`,
    );
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
