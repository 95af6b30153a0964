#!/usr/bin/env node
// `npm run bench:views`: the main thread's responsiveness while runs train with the live views.
// Builds the app, serves it cross-origin isolated like `vite preview`, and in headless system Chromium
// (tiny preset, wasm):
//   1. two runs: the first and a fork of it, training, with the embedding and samples views open;
//   2. four runs training (two more from presets), every view open, the evaluation table filled;
//   3. pans the app's embedding view for 5 s while the four runs train;
//   4. pans the same canvas component with 10,000 synthetic points (views-bench.html) for 5 s.
// For each window it prints main-thread long tasks (PerformanceObserver 'longtask': tasks over 50 ms)
// and frame intervals, which both stretch with the machine's load, and, as figures that depend less on
// load: the main thread's CPU time per second (Chromium's ThreadTime), DOM commits per second (one
// MutationObserver callback per batch of DOM changes, i.e. per React commit that changed something),
// the loss chart's updates per second, and which scripts the long animation frames spent their time in.
// Figures are measured here, never asserted.
//
//   npm run bench:views [-- --no-build] [--out DIR] [--port N] [--seconds 30] [--points 10000]
import os from 'node:os';
import path from 'node:path';
import { closeAll, openHarness, parseScriptArgs, root } from './lib/harness.mjs';

/** Starts recording in the page; window.__viewsBench.stop() returns what was recorded. */
function startRecording() {
  const tasks = [];
  const frames = [];
  const draws = [];
  const chartDraws = [];
  const slowFrames = [];
  let commits = 0;
  let chartCommits = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  // EmbeddingCanvas measures each redraw as 'embedding-draw', the loss chart as 'loss-chart-draw'.
  const drawObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.name === 'embedding-draw') draws.push(entry.duration);
      if (entry.name === 'loss-chart-draw') chartDraws.push(entry.duration);
    }
  });
  drawObserver.observe({ type: 'measure', buffered: false });
  // Long animation frames name the scripts that ran in them (where the time of a slow frame went).
  let frameObserver = null;
  if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
    frameObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        slowFrames.push({
          duration: entry.duration,
          blocking: entry.blockingDuration,
          scripts: entry.scripts.map((s) => ({
            invoker: s.invoker,
            fn: s.sourceFunctionName,
            source: (s.sourceURL || '').split('/').pop(),
            duration: s.duration,
          })),
        });
      }
    });
    frameObserver.observe({ type: 'long-animation-frame', buffered: false });
  }
  const chart = document.querySelector('[data-testid="loss-chart"]');
  const mutations = new MutationObserver((records) => {
    commits++;
    if (chart && records.some((r) => chart.contains(r.target))) chartCommits++;
  });
  mutations.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
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
      frameObserver?.disconnect();
      mutations.disconnect();
      cancelAnimationFrame(handle);
      return {
        tasks,
        draws,
        chartDraws,
        slowFrames,
        commits,
        chartCommits,
        frames: frames.slice(1),
        seconds: (performance.now() - started) / 1000,
      };
    },
  };
}

function summarise({ tasks, draws, chartDraws, slowFrames, commits, chartCommits, frames, seconds }, cpu) {
  const sorted = [...frames].sort((a, b) => a - b);
  const pct = (p, s = sorted) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN);
  const drawSorted = [...draws].sort((a, b) => a - b);
  // Where the slow frames' script time went: total ms per invoker, largest first.
  const byInvoker = new Map();
  for (const frame of slowFrames.filter((f) => f.duration > 50)) {
    for (const s of frame.scripts) {
      const key = `${s.invoker}${s.fn && !s.invoker.includes(s.fn) ? ` ${s.fn}` : ''} (${s.source})`;
      byInvoker.set(key, (byInvoker.get(key) ?? 0) + s.duration);
    }
  }
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
    cpuMsPerSecond: cpu / seconds,
    commitsPerSecond: commits / seconds,
    chartUpdatesPerSecond: (chartCommits + chartDraws.length) / seconds,
    longestChartDrawMs: chartDraws.length ? Math.max(...chartDraws) : null,
    slowFrameScripts: [...byInvoker.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4),
  };
}

const loadNow = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

function report(label, s) {
  console.log(
    `${label}\n  long tasks (>50 ms): ${s.longTasks}, longest ${s.longestTaskMs.toFixed(0)} ms; ${s.fps.toFixed(1)} fps, frame p50 ` +
      `${s.p50FrameMs.toFixed(1)} ms p95 ${s.p95FrameMs.toFixed(1)} ms, >20 ms: ${s.framesOver20ms}; load ${loadNow()}`,
  );
  console.log(
    `  main thread CPU ${s.cpuMsPerSecond.toFixed(0)} ms/s; DOM commits ${s.commitsPerSecond.toFixed(1)}/s; loss chart updates ` +
      `${s.chartUpdatesPerSecond.toFixed(1)}/s` +
      (s.longestChartDrawMs !== null ? `, longest chart draw ${s.longestChartDrawMs.toFixed(1)} ms` : '') +
      (s.redraws ? `; canvas redraws ${s.redraws}, p50 ${s.p50DrawMs.toFixed(1)} ms p95 ${s.p95DrawMs.toFixed(1)} ms` : ''),
  );
  if (s.slowFrameScripts.length)
    console.log(`  script time in frames over 50 ms: ${s.slowFrameScripts.map(([k, ms]) => `${k} ${ms.toFixed(0)} ms`).join('; ')}`);
}

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

/** Main-thread CPU time (ms) so far, from Chromium's performance metrics. */
async function threadMs(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return 1000 * (metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN);
}

async function measure(page, cdp, during) {
  await page.evaluate(startRecording);
  const cpuBefore = await threadMs(cdp);
  await during();
  const cpu = (await threadMs(cdp)) - cpuBefore;
  return summarise(await page.evaluate(() => window.__viewsBench.stop()), cpu);
}

const stepsOf = (page) =>
  page.evaluate(() => Array.from(document.querySelectorAll('[data-testid="run-list"] li'), (li) => Number(li.getAttribute('data-step'))));

async function trainingWindow(page, cdp, label, seconds) {
  const before = await stepsOf(page);
  const result = await measure(page, cdp, () => page.waitForTimeout(seconds * 1000));
  const after = await stepsOf(page);
  report(label, result);
  console.log(`  steps per run in that window: ${after.map((s, i) => s - (before[i] ?? 0)).join(', ')}`);
}

async function waitForTraining(page, runs) {
  await page.locator(`[data-testid="run-list"][data-value="${runs}"]`).waitFor({ timeout: 60_000 });
  await page
    .locator('[data-testid="run-list"] li[data-status="training"]')
    .nth(runs - 1)
    .waitFor({ timeout: 60_000 });
}

async function main() {
  const args = parseScriptArgs(
    process.argv.slice(2),
    { out: path.join(root, '.bench', 'views-dist'), port: 4191, seconds: 30, points: 10_000 },
    'bench-views.mjs',
  );
  const { server, origin, browser } = await openHarness(args);
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${origin}/?preset=tiny&backend=wasm&autostart=1`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="metric-step"]')?.getAttribute('data-value')) >= 1, null, {
      timeout: 180_000,
    });

    // 1. The first run and a fork of it (a fork of a training run trains too).
    await page.getByTestId('run-fork').click();
    await waitForTraining(page, 2);
    await trainingWindow(page, cdp, `1. two runs (a fork), embedding and samples views, ${args.seconds} s`, args.seconds);

    // 2. Four runs; small evaluation subsets so that filling the table takes seconds, not minutes.
    for (const [id, value] of [
      ['eval-train-size', '200'],
      ['eval-test-size', '100'],
      ['eval-ood-size', '100'],
    ]) {
      await page.getByTestId(id).fill(value);
      await page.getByTestId(id).press('Enter');
    }
    for (const [preset, runs] of [
      ['generative', 3],
      ['contrastive', 4],
    ]) {
      await page.getByTestId('run-new-preset').selectOption(preset);
      await page.getByTestId('run-new').click();
      await page
        .locator(`[data-testid="run-list"][data-value="${runs}"] li.selected[data-run-id="run-${runs}"]`)
        .waitFor({ timeout: 60_000 });
      await page.getByTestId('train-start').click();
    }
    await waitForTraining(page, 4);
    await page.getByTestId('eval-run').click();
    await page.locator('[data-testid="eval-table"][data-value="4"]').waitFor({ timeout: 600_000 });
    await page.locator('[data-testid="eval-progress"][data-value=""]').waitFor({ timeout: 60_000 });
    await waitForTraining(page, 4);
    await trainingWindow(page, cdp, `2. four runs, every view, evaluation table filled, ${args.seconds} s`, args.seconds);
    console.log(
      `  embedding points drawn: ${await page.getByTestId('embedding-view').getAttribute('data-value')}, samples drawn: ${await page.getByTestId('samples-grid').getAttribute('data-value')}`,
    );

    const canvas = page.getByTestId('embedding-view').locator('canvas');
    const points = await page.getByTestId('embedding-view').getAttribute('data-value');
    report(
      `3. panning the embedding view (${points} points), four runs training, 5 s`,
      await measure(page, cdp, () => pan(page, canvas, 5)),
    );

    const benchPage = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const benchCdp = await benchPage.context().newCDPSession(benchPage);
    await benchCdp.send('Performance.enable');
    benchPage.on('pageerror', (e) => errors.push(String(e)));
    await benchPage.goto(`${origin}/views-bench.html?points=${args.points}`);
    const view = benchPage.getByTestId('embedding-view');
    await benchPage.waitForFunction(() => Number(document.querySelector('[data-testid="embedding-view"]')?.getAttribute('data-value')) > 0);
    const drawn = await view.getAttribute('data-value');
    report(
      `4. views-bench: panning ${drawn} points, 5 s`,
      await measure(benchPage, benchCdp, () => pan(benchPage, view.locator('canvas'), 5)),
    );
  } finally {
    await closeAll(browser, server);
  }
  if (errors.length) {
    console.log(`console errors (${errors.length}):`);
    for (const e of errors.slice(0, 20)) console.log(`  ${e}`);
    process.exitCode = 1;
  }
  console.log(`targets: no long task over 50 ms in windows 1 and 2; 60 fps while panning. Load after: ${loadNow()}`);
}

main().catch((error) => {
  console.error(`bench-views failed: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
});
