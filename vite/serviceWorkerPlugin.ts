// Finishes the service worker after a build: sw.js (the entry src/offline/serviceWorker.ts, built
// beside index.html) gets the precache manifest of this very build, the app's files with a version
// that changes when any of them does (src/offline/precacheManifest.ts). The project's README goes
// into the build too: the backend badge links to its "Deploy" section when the page is not isolated.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin } from 'vite';
import { precacheManifest, type BuiltFile } from '../src/offline/precacheManifest.ts';

export const SERVICE_WORKER_FILE = 'sw.js';
const PLACEHOLDER = /(["'`])__HYBRID_LAB_PRECACHE_MANIFEST__\1/;
const TEXT_FILE = /\.(html|js|mjs|css)$/;

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(dir, relative) : Promise.resolve([relative]);
    }),
  );
  return nested.flat();
}

async function readBuild(outDir: string): Promise<BuiltFile[]> {
  const paths = (await listFiles(outDir)).filter((p) => p !== SERVICE_WORKER_FILE);
  return Promise.all(
    paths.map(async (p) => {
      const bytes = await readFile(path.join(outDir, p));
      return {
        path: p,
        text: TEXT_FILE.test(p) ? bytes.toString('utf8') : null,
        hash: createHash('sha256').update(bytes).digest('hex'),
      };
    }),
  );
}

export function serviceWorkerPlugin(readmePath: string): Plugin {
  let outDir = 'dist';
  let root = '.';
  return {
    name: 'hybrid-lab-service-worker',
    apply: 'build',
    configResolved(config) {
      root = config.root;
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'README.md', source: await readFile(path.resolve(root, readmePath)) });
    },
    async closeBundle() {
      const swPath = path.join(outDir, SERVICE_WORKER_FILE);
      // Builds of other pages only (the experiment's) have no service worker.
      if (!existsSync(swPath)) return;
      const source = await readFile(swPath, 'utf8');
      // Fail the build rather than ship a worker that precaches nothing.
      if (!PLACEHOLDER.test(source)) throw new Error(`${SERVICE_WORKER_FILE}: the precache manifest placeholder was not found`);
      const manifest = precacheManifest(await readBuild(outDir));
      if (!manifest.files.includes('index.html')) throw new Error('the precache manifest has no index.html');
      await writeFile(
        swPath,
        source.replace(PLACEHOLDER, () => JSON.stringify(JSON.stringify(manifest))),
      );
    },
  };
}
