// A plain static file server for the e2e tests: it serves a build under a sub-path (as a GitHub Pages
// project site does) and sends no header but Content-Type: no COOP/COEP, no caching rules.

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.zip': 'application/zip',
  '.svg': 'image/svg+xml',
  '.md': 'text/markdown; charset=utf-8',
};

export interface StaticServer {
  /** The app's address, ending in the sub-path's slash. */
  url: string;
  /** Every request as "status path". */
  log: string[];
  /** Appended to sw.js from now on: a new build of the service worker. */
  swSuffix: string;
  close(): Promise<void>;
}

export async function serveStatic(root: string, subPath = '/hybrid-lab/'): Promise<StaticServer> {
  const state = { swSuffix: '' };
  const log: string[] = [];
  const server = createServer(async (request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    let status = 404;
    let body: Buffer | string = 'not found';
    let type = 'text/plain';
    if (pathname.startsWith(subPath)) {
      const relative = decodeURIComponent(pathname.slice(subPath.length)) || 'index.html';
      const file = path.resolve(root, relative);
      if (file.startsWith(path.resolve(root) + path.sep)) {
        try {
          body = await readFile(file);
          if (relative === 'sw.js') body = Buffer.concat([body, Buffer.from(state.swSuffix)]);
          status = 200;
          type = TYPES[path.extname(file)] ?? 'application/octet-stream';
        } catch {
          // stays 404
        }
      }
    }
    log.push(`${status} ${pathname}`);
    response.writeHead(status, { 'Content-Type': type });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${subPath}`,
    log,
    get swSuffix() {
      return state.swSuffix;
    },
    set swSuffix(value: string) {
      state.swSuffix = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
