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

/**
 * The options every script takes: --no-build, --out DIR, --port N, and `--name value` for any other
 * name in `defaults` (a number where the default is one). Unknown options throw, naming the script.
 */
export function parseScriptArgs(argv, defaults, script) {
  const args = { build: true, ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const name = flag.replace(/^--/, '');
    if (flag === '--no-build') args.build = false;
    else if (flag === '--out') args.out = path.resolve(argv[++i]);
    else if (flag.startsWith('--') && name in defaults && name !== 'build') {
      const value = argv[++i];
      args[name] = typeof defaults[name] === 'number' ? Number(value) : value;
    } else throw new Error(`unknown argument ${flag} (see the header of scripts/${script})`);
  }
  return args;
}

/** Builds into args.out unless --no-build, serves it, opens Chromium and prints the machine line. */
export async function openHarness(args) {
  if (args.build) {
    console.log(`building into ${args.out} ...`);
    await buildApp(args.out);
  }
  const { server, origin } = await serveBuild(args.out, args.port);
  const browser = await launchChromium();
  console.log(describeMachine(browser));
  return { server, origin, browser };
}
