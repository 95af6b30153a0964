#!/usr/bin/env node
// `npm run bench:gpu`: the training benchmark on a GPU without a browser. Builds src/bench/node.ts for
// Node, which runs tfjs's webgpu backend over Dawn (the `webgpu` npm package) on the first adapter
// Dawn's Vulkan finds, and prints the adapter's name, then per preset: ms/step, achieved GFLOP/s,
// and the per-step counts at the WebGPU API (dispatches, submits, readbacks, buffers created, bytes
// uploaded, JS encode time). Figures are measured here, never asserted.
//
//   npm run bench:gpu [-- --presets tiny,small,large] [--steps N] [--budget-s S] [--batch N] [--json]
//                     [--swiftshader]
//
// --swiftshader points Vulkan at Chromium's software driver (/usr/lib/chromium/vk_swiftshader_icd.json)
// so the command can be tried on a machine without a GPU; --batch N replaces every preset's batch
// (the counts do not depend on it, and a software adapter is too slow for the real ones).
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';
import { root } from './lib/harness.mjs';
import { describe } from './lib/benchFormat.mjs';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

function parseArgs(argv) {
  const args = { presets: ['tiny', 'small', 'large'], steps: 20, budgetS: 60, batch: null, json: false, swiftshader: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i];
    if (a === '--presets') args.presets = value().split(',');
    else if (a === '--steps') args.steps = Number(value());
    else if (a === '--budget-s') args.budgetS = Number(value());
    else if (a === '--batch') args.batch = Number(value());
    else if (a === '--json') args.json = true;
    else if (a === '--swiftshader') args.swiftshader = true;
    else throw new Error(`unknown argument ${a} (see the header of scripts/bench-gpu.mjs)`);
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const say = (line) => (args.json ? process.stderr : process.stdout).write(`${line}\n`);
  if (args.swiftshader) {
    if (!existsSync(SWIFTSHADER_ICD)) throw new Error(`${SWIFTSHADER_ICD} is missing: install Debian's chromium`);
    // Read by the Vulkan loader when Dawn first enumerates adapters, which happens after this.
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  // Dawn's Vulkan loader complains without one; nothing is written there.
  process.env.XDG_RUNTIME_DIR ??= os.tmpdir();
  const outDir = path.join(root, '.bench', 'node');
  say('building the Node benchmark ...');
  await build({
    root,
    logLevel: 'warn',
    build: {
      ssr: path.join(root, 'src/bench/node.ts'),
      outDir,
      emptyOutDir: true,
      rolldownOptions: { output: { entryFileNames: 'node.mjs' } },
    },
  });
  const { runNodeBench } = await import(pathToFileURL(path.join(outDir, 'node.mjs')).href);
  say(
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const { results } = await runNodeBench({
    presets: args.presets,
    steps: args.steps,
    budgetMs: args.budgetS * 1000,
    batch: args.batch,
    say,
  });
  for (const result of results) {
    if (args.json) process.stdout.write(`${JSON.stringify({ ...result, loadAvg1: os.loadavg()[0] })}\n`);
    else say(describe(result));
    for (const note of result.notes) say(`  note: ${note}`);
  }
  // Dawn keeps the process alive while its device lives.
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`bench:gpu failed: ${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
