#!/usr/bin/env node
// `npm run bench`: builds the app (with its bench.html page), serves it cross-origin isolated like
// `vite preview`, and runs the training step of each preset on each tfjs backend in headless system
// Chromium, one fresh Web Worker per combination (src/bench/). Prints one line per combination, or
// one JSON object per line with --json. Figures are measured here, never asserted.
//
//   npm run bench [-- --json] [--no-build] [--out DIR] [--port N] [--only wasm/tiny,cpu/tiny]
//                 [--steps N] [--budget-scale X] [--kernels] [--single-thread] [--all] [--batch N]
//                 [--image-size N]
//
// --kernels adds each combination's kernels by profiled time; --single-thread runs wasm without
// threads; --all also runs the small preset on a software WebGPU adapter (SwiftShader), which the
// default skips: a tiny step there takes seconds, and small has 60× its FLOPs. --batch N replaces every
// preset's batch size: the per-step counts of dispatches, submits, readbacks and buffers do not depend
// on it, so `--all --batch 2 --only webgpu/small,webgpu/large` counts them on a software adapter.
// --image-size N replaces every preset's image size (a multiple of its patch): the counts follow the
// layers, not the tokens, so `--image-size 8` counts large's step where its 257 tokens take minutes.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { describe } from './lib/benchFormat.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

// Per-combination time budgets for the timed steps (ms). tiny runs everywhere; small where a step
// takes seconds, not minutes. A combination times up to `steps` steps, at least MIN_STEPS.
const PLAN = [
  { backend: 'wasm', preset: 'tiny', budgetMs: 30_000 },
  { backend: 'wasm', preset: 'small', budgetMs: 60_000 },
  { backend: 'webgpu', preset: 'tiny', budgetMs: 30_000 },
  { backend: 'webgpu', preset: 'small', budgetMs: 60_000 },
  { backend: 'webgpu', preset: 'large', budgetMs: 120_000 },
  { backend: 'webgl', preset: 'tiny', budgetMs: 30_000 },
  { backend: 'cpu', preset: 'tiny', budgetMs: 30_000 },
];
const MIN_STEPS = 3;
// Matmul probe, first step, warm-up and profiling come on top of a combination's budget.
const COMBINATION_OVERHEAD_MS = 240_000;
const PROGRESS_EVERY_MS = 20_000;

function parseArgs(argv) {
  const args = {
    json: false,
    build: true,
    out: path.join(root, '.bench', 'dist'),
    port: 4177,
    only: null,
    steps: 20,
    budgetScale: 1,
    kernels: false,
    threads: true,
    all: false,
    batch: null,
    imageSize: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i];
    if (a === '--json') args.json = true;
    else if (a === '--no-build') args.build = false;
    else if (a === '--out') args.out = path.resolve(value());
    else if (a === '--port') args.port = Number(value());
    else if (a === '--only') args.only = value().split(',');
    else if (a === '--steps') args.steps = Number(value());
    else if (a === '--budget-scale') args.budgetScale = Number(value());
    else if (a === '--kernels') args.kernels = true;
    else if (a === '--single-thread') args.threads = false;
    else if (a === '--all') args.all = true;
    else if (a === '--batch') args.batch = Number(value());
    else if (a === '--image-size') args.imageSize = Number(value());
    else throw new Error(`unknown argument ${a} (see the header of scripts/bench.mjs)`);
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const say = (line) => (args.json ? process.stderr : process.stdout).write(`${line}\n`);
  if (args.build) {
    say(`building into ${args.out} ...`);
    await build({ root, logLevel: 'warn', build: { outDir: args.out, emptyOutDir: true } });
  } else if (!existsSync(path.join(args.out, 'bench.html'))) {
    throw new Error(`${args.out}/bench.html is missing: run without --no-build`);
  }
  const server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir: args.out },
    preview: { host: '127.0.0.1', port: args.port, strictPort: true, open: false },
  });
  const browser = await chromium.launch({
    executablePath: existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined,
    // SwiftShader WebGPU needs the flag. No second --enable-features: it replaces Playwright's list.
    args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking'],
  });
  const machine = { chromium: browser.version(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown' };
  say(
    `Chromium ${machine.chromium}, ${machine.cpus} × ${machine.cpuModel}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const consoleErrors = [];
  const results = [];
  let failed = false;
  try {
    // A fresh page per combination: a combination that exhausts memory or crashes the renderer
    // cannot take the next one down with it.
    const openPage = async () => {
      const page = await browser.newPage();
      page.on('console', (msg) => {
        if (msg.type() === 'error') consoleErrors.push(msg.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(String(error)));
      await page.goto(`http://127.0.0.1:${args.port}/bench.html`);
      await page.waitForFunction(() => 'hybridBench' in window);
      return page;
    };
    const first = await openPage();
    say(`page cross-origin isolated: ${await first.evaluate(() => window.hybridBench.crossOriginIsolated)}`);
    await first.close();
    const unavailable = new Set();
    /** backend → adapter description, for backends found running on a software adapter. */
    const softwareAdapter = new Map();
    const plan = PLAN.filter((c) => !args.only || args.only.includes(`${c.backend}/${c.preset}`));
    for (const combo of plan) {
      if (unavailable.has(combo.backend)) continue;
      const software = softwareAdapter.get(combo.backend);
      if (software && combo.preset !== 'tiny' && !args.all) {
        say(`${combo.backend.padEnd(6)} ${combo.preset.padEnd(5)} skipped: software adapter (${software}); --all runs it`);
        continue;
      }
      const page = await openPage();
      const request = {
        backend: combo.backend,
        preset: combo.preset,
        steps: args.steps,
        budgetMs: combo.budgetMs * args.budgetScale,
        minSteps: MIN_STEPS,
        warmupSteps: 2,
        wasmThreads: args.threads,
        kernelHistogram: args.kernels,
        ...(args.batch ? { batch: args.batch } : {}),
        ...(args.imageSize ? { imageSize: args.imageSize } : {}),
      };
      const load = os.loadavg()[0];
      const started = Date.now();
      // A combination that stalls (a crashed worker, a runaway step) must not hang the whole bench.
      const limitMs = request.budgetMs + COMBINATION_OVERHEAD_MS;
      const ticker = setInterval(() => {
        page
          .evaluate(() => window.hybridBench.progress)
          .then(
            (p) => process.stderr.write(`  ${combo.backend}/${combo.preset}: ${p} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`),
            () => undefined,
          );
      }, PROGRESS_EVERY_MS);
      try {
        const result = await Promise.race([
          page.evaluate((r) => window.hybridBench.run(r), request),
          new Promise((_, reject) => setTimeout(() => reject(new Error(`no result after ${limitMs / 1000} s`)), limitMs)),
        ]);
        results.push(result);
        // result.adapter is the WebGPU adapter, whichever backend ran: it only speaks for webgpu.
        if (result.backend === 'webgpu' && /swiftshader|llvmpipe|software/i.test(result.adapter ?? ''))
          softwareAdapter.set('webgpu', result.adapter);
        if (args.json) process.stdout.write(`${JSON.stringify({ ...result, ...machine, loadAvg1: load })}\n`);
        else say(describe(result));
        if (args.kernels && result.kernelHistogram) {
          const top = Object.entries(result.kernelHistogram).sort((a, b) => b[1].ms - a[1].ms);
          say(`  kernels (by profiled time): ${top.map(([k, e]) => `${k}×${e.count} ${e.ms.toFixed(1)}ms`).join(', ')}`);
        }
        for (const note of result.notes) say(`  note: ${note}`);
      } catch (error) {
        const message = String(error instanceof Error ? error.message : error).split('\n')[0];
        if (/not available here/.test(message)) {
          unavailable.add(combo.backend);
          if (args.json)
            process.stdout.write(
              `${JSON.stringify({ backend: combo.backend, preset: combo.preset, available: false, error: message, ...machine })}\n`,
            );
          else say(`${combo.backend.padEnd(6)} unavailable: ${message}`);
        } else {
          failed = true;
          say(`${combo.backend}/${combo.preset} failed: ${message}`);
        }
      } finally {
        clearInterval(ticker);
        await page.close().catch(() => undefined);
      }
    }
  } finally {
    await browser.close();
    await new Promise((resolve) => server.httpServer.close(resolve));
  }
  if (consoleErrors.length) {
    say(`console errors (${consoleErrors.length}):`);
    for (const e of consoleErrors.slice(0, 20)) say(`  ${e}`);
  }
  say(
    `load after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (failed || results.length === 0) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : error}\n`);
  process.exitCode = 1;
});
