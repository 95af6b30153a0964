// What every headless script (benchmarks, experiment, soak) needs: build the app, serve the build
// cross-origin isolated like `vite preview`, and open system Chromium (Playwright cannot download its
// own browser here).
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Builds the app into outDir; `input` replaces the entry pages (e.g. experiment.html). */
export async function buildApp(outDir, input) {
  const rolldownOptions = input ? { input: path.join(root, input) } : undefined;
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true, rolldownOptions } });
}

/**
 * Serves a build with the preview server's headers (COOP/COEP). With strictPort false the next free
 * port is taken when `port` is busy. Returns the server and its origin without a trailing slash.
 */
export async function serveBuild(outDir, port, strictPort = true) {
  const server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort, open: false },
  });
  const origin = (server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`).replace(/\/$/, '');
  return { server, origin };
}

/** Headless system Chromium with WebGPU (SwiftShader here) and no background traffic. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined,
    args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', ...extraArgs],
  });
}

export async function closeAll(browser, server) {
  await browser.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
}

/** The line that says where figures come from. */
export function describeMachine(browser) {
  const cpus = os.cpus();
  return `Chromium ${browser.version()}, ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}
