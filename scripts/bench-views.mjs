#!/usr/bin/env node
// `npm run bench:views`: the main thread's responsiveness with the live views.
// Builds the app, serves it cross-origin isolated like `vite preview`, and in headless system Chromium:
//   1. trains three runs side by side (hybrid, generative only, contrastive only; tiny preset, wasm)
//      with every view open, and records main-thread long tasks (PerformanceObserver 'longtask', i.e.
//      tasks over 50 ms) and requestAnimationFrame intervals for 30 s;
//   2. pans the app's embedding view (1,000 probe images + OOD overlay) for 5 s while the runs train;
//   3. pans the same canvas component with 10,000 synthetic points (views-bench.html) for 5 s.
// Prints the figures; they are measured here, never asserted.
//
//   npm run bench:views [-- --no-build] [--out DIR] [--port N] [--seconds 30] [--points 10000]
import os from 'node:os';
import path from 'node:path';
import { buildApp, closeAll, describeMachine, launchChromium, root, serveBuild } from './lib/harness.mjs';

function parseArgs(argv) {
  const args = { build: true, out: path.join(root, '.bench', 'views-dist'), port: 4191, seconds: 30, points: 10_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i];
    if (a === '--no-build') args.build = false;
    else if (a === '--out') args.out = path.resolve(value());
    else if (a === '--port') args.port = Number(value());
    else if (a === '--seconds') args.seconds = Number(value());
    else if (a === '--points') args.points = Number(value());
    else throw new Error(`unknown argument ${a} (see the header of scripts/bench-views.mjs)`);
  }
  return args;
}

/** Starts recording long tasks and frame intervals in the page; window.__viewsBench.stop() returns them. */
function startRecording() {
  const tasks = [];
  const frames = [];
  const draws = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  // EmbeddingCanvas measures each redraw as 'embedding-draw'.
  const drawObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.name === 'embedding-draw') draws.push(entry.duration);
  });
  drawObserver.observe({ type: 'measure', buffered: false });
  let last = performance.now();
  let handle = 0;
  const tick = (t) => {
    frames.push(t - last);
    last = t;
    handle = requestAnimationFrame(tick);
  };
  handle = requestAnimationFrame(tick);
  const started = performance.now();
  window.__viewsBench = {
    stop: () => {
      observer.disconnect();
      drawObserver.disconnect();
      cancelAnimationFrame(handle);
      return { tasks, draws, frames: frames.slice(1), seconds: (performance.now() - started) / 1000 };
    },
  };
}

function summarise({ tasks, draws, frames, seconds }) {
  const sorted = [...frames].sort((a, b) => a - b);
  const pct = (p, s = sorted) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN);
  const drawSorted = [...draws].sort((a, b) => a - b);
  return {
    redraws: draws.length,
    p50DrawMs: pct(0.5, drawSorted),
    p95DrawMs: pct(0.95, drawSorted),
    seconds,
    longTasks: tasks.length,
    longestTaskMs: tasks.length ? Math.max(...tasks) : 0,
    fps: frames.length / seconds,
    p50FrameMs: pct(0.5),
    p95FrameMs: pct(0.95),
    framesOver20ms: frames.filter((f) => f > 20).length,
  };
}

const line = (label, s) =>
  `${label.padEnd(44)} long tasks (>50 ms): ${String(s.longTasks).padStart(3)}  longest ${s.longestTaskMs.toFixed(0).padStart(4)} ms  ` +
  `${s.fps.toFixed(1).padStart(5)} fps  frame p50 ${s.p50FrameMs.toFixed(1)} ms p95 ${s.p95FrameMs.toFixed(1)} ms  >20 ms: ${s.framesOver20ms}` +
  (s.redraws ? `  canvas redraws ${s.redraws}, p50 ${s.p50DrawMs.toFixed(1)} ms p95 ${s.p95DrawMs.toFixed(1)} ms` : '');

/** Drags across the canvas in a circle for `seconds`, one mouse move per ~8 ms. */
async function pan(page, canvas, seconds) {
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the embedding canvas is not visible');
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const r = Math.min(box.width, box.height) / 4;
  await page.mouse.move(cx + r, cy);
  await page.mouse.down();
  const end = Date.now() + seconds * 1000;
  for (let a = 0; Date.now() < end; a += 0.05) {
    await page.mouse.move(cx + r * Math.cos(a), cy + r * Math.sin(a));
    await page.waitForTimeout(8);
  }
  await page.mouse.up();
}

async function measure(page, during) {
  await page.evaluate(startRecording);
  await during();
  return summarise(await page.evaluate(() => window.__viewsBench.stop()));
}

const stepsOf = (page) =>
  page.evaluate(() => Array.from(document.querySelectorAll('[data-testid="run-list"] li'), (li) => Number(li.getAttribute('data-step'))));

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.build) {
    console.log(`building into ${args.out} ...`);
    await buildApp(args.out);
  }
  const { server, origin } = await serveBuild(args.out, args.port);
  const browser = await launchChromium();
  console.log(describeMachine(browser));
  const errors = [];
  const base = origin;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${base}/?preset=tiny&backend=wasm&autostart=1`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="metric-step"]')?.getAttribute('data-value')) >= 1, null, {
      timeout: 180_000,
    });
    for (const [preset, runs] of [
      ['generative', 2],
      ['contrastive', 3],
    ]) {
      await page.getByTestId('run-new-preset').selectOption(preset);
      await page.getByTestId('run-new').click();
      await page
        .locator(`[data-testid="run-list"][data-value="${runs}"] li.selected[data-run-id="run-${runs}"]`)
        .waitFor({ timeout: 60_000 });
      await page.getByTestId('train-start').click();
    }
    await page.locator('[data-testid="run-list"] li[data-status="training"]').nth(2).waitFor({ timeout: 60_000 });
    const before = await stepsOf(page);
    const training = await measure(page, () => page.waitForTimeout(args.seconds * 1000));
    const after = await stepsOf(page);
    console.log(line(`app: 3 runs training, all views, ${args.seconds} s`, training));
    console.log(
      `  steps per run in that window: ${after.map((s, i) => s - before[i]).join(', ')}; embedding points drawn: ${await page.getByTestId('embedding-view').getAttribute('data-value')}, samples drawn: ${await page.getByTestId('samples-grid').getAttribute('data-value')}`,
    );
    const canvas = page.getByTestId('embedding-view').locator('canvas');
    const appPan = await measure(page, () => pan(page, canvas, 5));
    console.log(
      line(
        `app: panning the embedding view (${await page.getByTestId('embedding-view').getAttribute('data-value')} pts), training`,
        appPan,
      ),
    );

    const benchPage = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    benchPage.on('pageerror', (e) => errors.push(String(e)));
    await benchPage.goto(`${base}/views-bench.html?points=${args.points}`);
    const view = benchPage.getByTestId('embedding-view');
    await benchPage.waitForFunction(() => Number(document.querySelector('[data-testid="embedding-view"]')?.getAttribute('data-value')) > 0);
    const drawn = await view.getAttribute('data-value');
    const synthetic = await measure(benchPage, () => pan(benchPage, view.locator('canvas'), 5));
    console.log(line(`views-bench: panning ${drawn} points`, synthetic));
  } finally {
    await closeAll(browser, server);
  }
  if (errors.length) {
    console.log(`console errors (${errors.length}):`);
    for (const e of errors.slice(0, 20)) console.log(`  ${e}`);
    process.exitCode = 1;
  }
  console.log(
    `targets: no long task over 50 ms with three runs training; 60 fps while panning. Load after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((error) => {
  console.error(`bench-views failed: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
});
