#!/usr/bin/env node
// `npm run bench:import`: how fast the app imports a zip of 10,000 CIFAR-10 JPEGs, and how much JS heap
// the training worker needs meanwhile (the target: at most 10 s in headless Chromium on the 2-core
// machine). It builds the app, serves it cross-origin isolated like `vite preview`, opens it in
// headless system Chromium, and imports the zip through the real file input and worker, exactly as a
// person would. The zip is made at run time from the shared 5k zip, taken twice under different file
// names. Prints figures; asserts nothing but that the import finished with the right counts.
//
//   npm run bench:import [-- --no-build] [--out DIR] [--port N] [--runs N] [--json]
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { buildApp, closeAll, describeMachine, launchChromium, root, serveBuild } from './lib/harness.mjs';

const SHARED_ZIP = path.resolve(root, '../shared/datasets/cifar10-train-5k.zip');
const EXPECTED_IMAGES = 10_000;
const TARGET_SECONDS = 10;

function parseArgs(argv) {
  const args = { build: true, out: path.join(root, '.bench', 'import-dist'), port: 4188, runs: 1, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-build') args.build = false;
    else if (a === '--out') args.out = path.resolve(argv[++i]);
    else if (a === '--port') args.port = Number(argv[++i]);
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--json') args.json = true;
    else throw new Error(`unknown argument ${a} (see the header of scripts/bench-import.mjs)`);
  }
  return args;
}

/** cifar10-10k.zip: every image of the 5k zip twice (a-*.jpg, b-*.jpg) in the same 10 class folders, stored. */
function makeTenThousandZip(dir) {
  const source = unzipSync(new Uint8Array(readFileSync(SHARED_ZIP)), { filter: (e) => e.name.endsWith('.jpg') });
  const entries = {};
  for (const copy of ['a', 'b']) {
    for (const [name, bytes] of Object.entries(source)) {
      const [, cls, file] = name.split('/');
      entries[`cifar10-10k/${cls}/${copy}-${file}`] = [bytes, { level: 0 }];
    }
  }
  const file = path.join(dir, 'cifar10-10k.zip');
  writeFileSync(file, zipSync(entries));
  return { file, images: Object.keys(entries).length };
}

/**
 * Samples Runtime.getHeapUsage of the page and of its trainer worker. The worker is reached through the
 * page's CDP session with non-flat auto-attach (Playwright's CDPSession cannot address child sessions).
 */
async function heapSampler(page) {
  const cdp = await page.context().newCDPSession(page);
  const workers = [];
  cdp.on('Target.attachedToTarget', (e) => workers.push(e));
  let nextId = 1;
  const pending = new Map();
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  for (let i = 0; i < 50 && !workers.some((w) => /\/assets\/worker-/.test(w.targetInfo.url)); i++)
    await new Promise((r) => setTimeout(r, 100));
  const trainer = workers.find((w) => /\/assets\/worker-/.test(w.targetInfo.url));
  if (!trainer) throw new Error(`trainer worker not found among ${workers.map((w) => w.targetInfo.url).join(', ') || 'no workers'}`);
  const askWorker = (method) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, (m) => resolve(m.result));
      cdp
        .send('Target.sendMessageToTarget', { sessionId: trainer.sessionId, message: JSON.stringify({ id, method }) })
        .catch(() => resolve(null));
    });
  const peak = { workerUsed: 0, workerUsedPlusBuffers: 0, pageUsed: 0 };
  let timer = null;
  const sample = async () => {
    const [w, p] = await Promise.all([askWorker('Runtime.getHeapUsage'), cdp.send('Runtime.getHeapUsage').catch(() => null)]);
    if (w) {
      peak.workerUsed = Math.max(peak.workerUsed, w.usedSize);
      peak.workerUsedPlusBuffers = Math.max(peak.workerUsedPlusBuffers, w.usedSize + (w.backingStorageSize ?? 0));
    }
    if (p) peak.pageUsed = Math.max(peak.pageUsed, p.usedSize);
  };
  return {
    start() {
      const loop = async () => {
        await sample();
        if (timer !== null) timer = setTimeout(loop, 50);
      };
      timer = setTimeout(loop, 0);
    },
    async stop() {
      clearTimeout(timer);
      timer = null;
      await sample();
      return { ...peak };
    },
    baseline: async () => {
      await sample();
      return { ...peak };
    },
  };
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function importOnce(page, zipFile) {
  const sampler = await heapSampler(page);
  const before = await sampler.baseline();
  sampler.start();
  const wallStart = performance.now();
  await page.getByTestId('dataset-files').setInputFiles(zipFile);
  // run-1 trains on the built-in data, so the app asks before replacing it.
  await page.getByTestId('replace-confirm').click();
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="dataset-summary"]')?.getAttribute('data-value') === String(n),
    EXPECTED_IMAGES,
    {
      timeout: 120_000,
      polling: 20,
    },
  );
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const peak = await sampler.stop();
  const summary = await page.getByTestId('dataset-summary');
  const seconds = Number(await summary.getAttribute('data-import-seconds'));
  const classes = Number(await page.getByTestId('dataset-classes').getAttribute('data-value'));
  const skipped = Number(await page.getByTestId('dataset-skipped').getAttribute('data-value'));
  return { seconds, wallSeconds, imagesPerSec: EXPECTED_IMAGES / seconds, classes, skipped, before, peak };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const say = (line) => (args.json ? process.stderr : process.stdout).write(`${line}\n`);
  if (!existsSync(SHARED_ZIP)) throw new Error(`${SHARED_ZIP} is missing (the shared datasets sit next to the repository)`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hybrid-lab-bench-import-'));
  const zip = makeTenThousandZip(tmp);
  say(`made ${zip.file}: ${zip.images} JPEGs, ${mib(readFileSync(zip.file).length)}`);
  if (args.build) {
    say(`building into ${args.out} ...`);
    await buildApp(args.out);
  }
  // The next free port when --port is taken (other sessions may be serving their builds).
  const { server, origin } = await serveBuild(args.out, args.port, false);
  const browser = await launchChromium();
  say(describeMachine(browser));
  const errors = [];
  let failed = false;
  try {
    for (let run = 1; run <= args.runs; run++) {
      const page = await browser.newPage();
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      // wasm without autostart: nothing trains while the import is timed.
      await page.goto(`${origin}/?preset=tiny&backend=wasm`);
      await page.waitForFunction(() => document.querySelector('[data-testid="run-list"] li[data-run-id="run-1"]') !== null, null, {
        timeout: 120_000,
      });
      // Let the start-up work settle (the built-in OOD set decodes in the background after the first
      // dataset), so the figures are the import's alone.
      await page.waitForFunction(() => / images/.test(document.querySelector('[data-testid="ood-status"]')?.textContent ?? ''), null, {
        timeout: 120_000,
      });
      await page.waitForTimeout(1000);
      const r = await importOnce(page, zip.file);
      await page.close();
      if (r.classes !== 10) failed = true;
      if (args.json) process.stdout.write(`${JSON.stringify({ run, images: EXPECTED_IMAGES, ...r, loadAvg1: os.loadavg()[0] })}\n`);
      say(
        `run ${run}: ${EXPECTED_IMAGES} images, ${r.classes} classes, ${r.skipped} skipped in ${r.seconds.toFixed(2)} s ` +
          `(${Math.round(r.imagesPerSec)} images/s; ${r.wallSeconds.toFixed(2)} s from picking the file to the summary) | ` +
          `peak JS heap: worker ${mib(r.peak.workerUsed)} (+ array buffers ${mib(r.peak.workerUsedPlusBuffers)}; before ${mib(r.before.workerUsedPlusBuffers)}), page ${mib(r.peak.pageUsed)} | ` +
          `target ≤ ${TARGET_SECONDS} s: ${r.seconds <= TARGET_SECONDS ? 'met' : 'MISSED'}`,
      );
    }
  } finally {
    await closeAll(browser, server);
    rmSync(tmp, { recursive: true, force: true });
  }
  if (errors.length) say(`console errors (${errors.length}):\n  ${errors.slice(0, 10).join('\n  ')}`);
  say(
    `load after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (failed) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`bench:import failed: ${error instanceof Error ? error.stack : error}\n`);
  process.exitCode = 1;
});
