#!/usr/bin/env node
// `npm run bench:coldstart`: what a first visit costs. Builds the app, serves it like `vite preview`
// (COOP/COEP), and opens it in a fresh headless Chromium profile (no HTTP cache, no service worker)
// with `?autostart=1` (the default preset and backend for this machine) several times. For each visit:
//   - the files the page and its workers requested until the first training step, by kind (JS, CSS,
//     wasm, built-in data, HTML and other), with their size as stored and as gzip -6 would send them
//     (most static hosts compress; what `vite preview` sends depends on its own rules, so the sizes
//     come from the files, not from the wire);
//   - how many requests the service worker made to precache the app after it started (it registers
//     once the built-in data is loaded, so these mostly revalidate what the HTTP cache holds);
//   - the time from navigation start to the backend being ready, the built-in dataset being decoded,
//     and the first training step (read in the page: data-value of metric-step becoming 1).
// Figures are printed, never asserted.
//
//   npm run bench:coldstart [-- --no-build] [--out DIR] [--port N] [--runs 3] [--url '/?autostart=1']
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { closeAll, openHarness, parseScriptArgs, root } from './lib/harness.mjs';

/** Runs in the page before its scripts: notes when the readouts first show each milestone. */
function watchMilestones() {
  const marks = {};
  window.__coldStart = marks;
  const check = () => {
    const backend = document.querySelector('[data-testid="backend-name"]')?.textContent;
    if (!marks.backend && backend && backend !== 'starting…') marks.backend = performance.now();
    if (!marks.dataset && Number(document.querySelector('[data-testid="dataset-summary"]')?.getAttribute('data-value')) > 0)
      marks.dataset = performance.now();
    if (!marks.firstStep && Number(document.querySelector('[data-testid="metric-step"]')?.getAttribute('data-value')) >= 1)
      marks.firstStep = performance.now();
    if (!marks.embedding && Number(document.querySelector('[data-testid="embedding-view"]')?.getAttribute('data-value')) > 0)
      marks.embedding = performance.now();
    if (!marks.samples && Number(document.querySelector('[data-testid="samples-grid"]')?.getAttribute('data-value')) > 0)
      marks.samples = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
}

function kindOf(url) {
  const { pathname } = new URL(url);
  if (pathname.endsWith('.js')) return 'JS';
  if (pathname.endsWith('.css')) return 'CSS';
  if (pathname.endsWith('.wasm')) return 'wasm';
  if (pathname.includes('/datasets/')) return 'built-in data';
  return 'HTML and other';
}

const KINDS = ['JS', 'CSS', 'wasm', 'built-in data', 'HTML and other'];
const kB = (bytes) => `${(bytes / 1024).toFixed(0).padStart(6)} kB`;

async function visit(browser, origin, args) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.addInitScript(watchMilestones);
  const requests = [];
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin)) return; // blob: and data: URLs are made in the page
    requests.push({
      path: decodeURIComponent(new URL(url).pathname).replace(/^\//, '') || 'index.html',
      byServiceWorker: request.serviceWorker() !== null,
      at: Date.now(),
    });
  });
  const started = Date.now();
  await page.goto(`${origin}${args.url}`);
  await page.waitForFunction(() => window.__coldStart?.firstStep, null, { timeout: 600_000, polling: 100 });
  const marks = await page.evaluate(() => window.__coldStart);
  const firstStepAt = started + marks.firstStep;
  const backend = await page.getByTestId('backend-name').textContent();
  // Give the service worker time to precache, to count its requests.
  await page
    .evaluate(() => Promise.race([navigator.serviceWorker?.ready, new Promise((resolve) => setTimeout(resolve, 10_000))]))
    .catch(() => undefined);
  await page.waitForTimeout(2000);
  await context.close();
  const firstLoad = [...new Set(requests.filter((r) => !r.byServiceWorker && r.at <= firstStepAt).map((r) => r.path))];
  const precache = requests.filter((r) => r.byServiceWorker).length;
  return { marks, backend, firstLoad, precache };
}

function sizes(outDir, file) {
  try {
    const bytes = readFileSync(path.join(outDir, file));
    return { raw: bytes.length, gzip: gzipSync(bytes, { level: 6 }).length };
  } catch {
    return { raw: 0, gzip: 0 };
  }
}

function summarise(outDir, files) {
  const byKind = new Map(KINDS.map((k) => [k, { files: 0, raw: 0, gzip: 0 }]));
  for (const file of files) {
    const row = byKind.get(kindOf(`http://host/${file}`));
    const size = sizes(outDir, file);
    row.files += 1;
    row.raw += size.raw;
    row.gzip += size.gzip;
  }
  return byKind;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const args = parseScriptArgs(
    process.argv.slice(2),
    { out: path.join(root, '.bench', 'coldstart-dist'), port: 4193, runs: 3, url: '/?autostart=1' },
    'bench-coldstart.mjs',
  );
  const { server, origin, browser } = await openHarness(args);
  const visits = [];
  try {
    for (let i = 0; i < args.runs; i++) {
      const v = await visit(browser, origin, args);
      visits.push(v);
      const s = (ms) => (ms === undefined ? 'later' : `${(ms / 1000).toFixed(1)} s`);
      console.log(
        `visit ${i + 1} (${v.backend}): backend ready ${s(v.marks.backend)}, built-in data decoded ${s(v.marks.dataset)}, first training step ${s(v.marks.firstStep)} (embedding view ${s(v.marks.embedding)}, samples ${s(v.marks.samples)}); load ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
      );
    }
  } finally {
    await closeAll(browser, server);
  }
  const last = visits[visits.length - 1];
  console.log('\nfirst load until the first training step (last visit):');
  console.log(`  ${'kind'.padEnd(16)} files  ${'as stored'.padStart(9)}  ${'gzip -6'.padStart(9)}`);
  const total = { files: 0, raw: 0, gzip: 0 };
  for (const [kind, row] of summarise(args.out, last.firstLoad)) {
    if (!row.files) continue;
    for (const key of Object.keys(total)) total[key] += row[key];
    console.log(`  ${kind.padEnd(16)} ${String(row.files).padStart(5)}  ${kB(row.raw).padStart(9)}  ${kB(row.gzip).padStart(9)}`);
  }
  console.log(`  ${'all'.padEnd(16)} ${String(total.files).padStart(5)}  ${kB(total.raw).padStart(9)}  ${kB(total.gzip).padStart(9)}`);
  const named = (kind) =>
    last.firstLoad
      .filter((f) => kindOf(`http://host/${f}`) === kind)
      .map((f) => `${f.split('/').pop()} ${kB(sizes(args.out, f).raw).trim()}`)
      .join(', ');
  console.log(`  JS: ${named('JS')}\n  wasm: ${named('wasm')}\n  data: ${named('built-in data')}`);
  console.log(`service worker: ${last.precache} requests to precache the app once it had started`);
  const m = (key) => `${(median(visits.map((v) => v.marks[key])) / 1000).toFixed(1)} s`;
  console.log(
    `median of ${visits.length}: backend ready ${m('backend')}, built-in data decoded ${m('dataset')}, first training step ${m('firstStep')}`,
  );
}

main().catch((error) => {
  console.error(`bench-coldstart failed: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
});
