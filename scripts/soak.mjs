#!/usr/bin/env node
// `npm run soak`: a long session. Builds the app, serves it cross-origin isolated like
// `vite preview`, and in headless system Chromium trains two runs side by side (tiny preset, wasm) with
// every view open (loss chart, embedding, samples) for N minutes. Prints the worker's tf.memory()
// (tensors, bytes, GPU bytes where the backend has any), the worker's and the page's JS heap after a
// warm-up and at the end, so a leak shows as growth. Figures are printed, never asserted; the memory is
// read through the test hooks (?testHooks=1: window.hybridLabTest.memory()).
//
//   npm run soak [-- --minutes 30] [--warmup 60] [--no-build] [--out DIR] [--port N]
import path from 'node:path';
import { buildApp, closeAll, describeMachine, launchChromium, root, serveBuild } from './lib/harness.mjs';

function parseArgs(argv) {
  const args = { build: true, out: path.join(root, '.bench', 'soak-dist'), port: 4192, minutes: 30, warmup: 60 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i];
    if (a === '--no-build') args.build = false;
    else if (a === '--out') args.out = path.resolve(value());
    else if (a === '--port') args.port = Number(value());
    else if (a === '--minutes') args.minutes = Number(value());
    else if (a === '--warmup') args.warmup = Number(value());
    else throw new Error(`unknown argument ${a} (see the header of scripts/soak.mjs)`);
  }
  if (!(args.minutes > 0)) throw new Error('--minutes must be a positive number');
  return args;
}

const MiB = 2 ** 20;
const mib = (bytes) => (bytes === null || bytes === undefined ? 'n/a' : `${(bytes / MiB).toFixed(1)} MiB`);

/** Collects garbage in the page and its worker first (CDP), so the heap figures are live objects. */
async function snapshot(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage').catch(() => undefined);
  const memory = await page.evaluate(() => window.hybridLabTest.memory());
  // A dedicated worker has no performance.memory; the page's UA-specific measurement (cross-origin
  // isolated pages only) covers it, attributed to its scope.
  const agent = await page
    .evaluate(async () => {
      if (!performance.measureUserAgentSpecificMemory) return null;
      const result = await performance.measureUserAgentSpecificMemory();
      const worker = result.breakdown
        .filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope'))
        .reduce((n, b) => n + b.bytes, 0);
      return { total: result.bytes, worker };
    })
    .catch(() => null);
  const steps = await page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-testid="run-list"] li'), (li) => Number(li.getAttribute('data-step'))),
  );
  return { ...memory, jsHeapBytes: memory.jsHeapBytes ?? agent?.worker ?? null, agentBytes: agent?.total ?? null, steps };
}

const row = (label, s) =>
  `${label.padEnd(8)} steps ${s.steps.join('/').padEnd(12)} tensors ${String(s.numTensors).padStart(6)}  tensor bytes ${mib(s.numBytes).padStart(10)}  ` +
  `GPU bytes ${mib(s.numBytesInGPU).padStart(9)}  worker heap ${mib(s.jsHeapBytes).padStart(10)}  page heap ${mib(s.pageHeapBytes).padStart(10)}  all JS ${mib(s.agentBytes).padStart(10)}`;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.build) {
    console.log(`building into ${args.out} ...`);
    await buildApp(args.out);
  }
  const { server, origin } = await serveBuild(args.out, args.port);
  // precise-memory-info: performance.memory reports exact, current heap sizes instead of coarse ones.
  const browser = await launchChromium(['--enable-precise-memory-info']);
  console.log(`soak: ${args.minutes} min, ${describeMachine(browser)}`);
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const cdp = await page.context().newCDPSession(page);
    await page.goto(`${origin}/?preset=tiny&backend=wasm&autostart=1&testHooks=1`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="metric-step"]')?.getAttribute('data-value')) >= 1, null, {
      timeout: 180_000,
    });
    // The second run, trained beside the first on the same batches.
    await page.getByTestId('run-new').click();
    await page.locator('[data-testid="run-list"][data-value="2"] li.selected[data-run-id="run-2"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('train-start').click();
    await page.locator('[data-testid="run-list"] li[data-status="training"]').nth(1).waitFor({ timeout: 60_000 });
    console.log(`warming up for ${args.warmup} s ...`);
    await page.waitForTimeout(args.warmup * 1000);
    const start = await snapshot(page, cdp);
    console.log(row('start', start));
    const end = Date.now() + args.minutes * 60_000;
    for (let minute = 1; Date.now() < end; minute++) {
      await page.waitForTimeout(Math.min(60_000, end - Date.now()));
      console.log(row(`${minute} min`, await snapshot(page, cdp)));
    }
    const last = await snapshot(page, cdp);
    console.log(row('end', last));
    const status = await page.getByTestId('status-message').textContent();
    const views = `embedding points ${await page.getByTestId('embedding-view').getAttribute('data-value')}, samples ${await page.getByTestId('samples-grid').getAttribute('data-value')}`;
    console.log(
      `change:  tensors ${last.numTensors - start.numTensors}, tensor bytes ${mib(last.numBytes - start.numBytes)}, worker heap ${mib((last.jsHeapBytes ?? 0) - (start.jsHeapBytes ?? 0))}, page heap ${mib((last.pageHeapBytes ?? 0) - (start.pageHeapBytes ?? 0))}, all JS ${mib((last.agentBytes ?? 0) - (start.agentBytes ?? 0))}`,
    );
    console.log(`views: ${views}; status: ${status}`);
  } finally {
    await closeAll(browser, server);
  }
  if (errors.length) {
    console.log(`console errors (${errors.length}):`);
    for (const e of errors.slice(0, 20)) console.log(`  ${e}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(`soak failed: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
});
