// The service worker, built to sw.js beside index.html (vite/serviceWorkerPlugin.ts). It does two things:
//   - offline: on install it caches every file the app loads (its scripts, workers, wasm and the
//     built-in datasets) under a cache named for this build's version, and answers from that cache
//     first, so after one visit the app starts with the network off. A new build installs beside the
//     old one and waits; the page offers "new version available, reload" and then tells it to take over.
//   - threads anywhere: it adds Cross-Origin-Opener-Policy and -Embedder-Policy to what it serves when
//     the host sends neither, so the page is cross-origin isolated and the wasm backend may use threads
//     on any static host (README "Deploy").
// It never fetches anything the app would not, and only from the app's own origin.

import { appShellUrl, cacheName, isAppNavigation, staleCaches, withIsolation } from './isolation';
import type { PrecacheManifest } from './precacheManifest';

declare const self: ServiceWorkerGlobalScope;

// Replaced at build time with the JSON of this build's manifest (the build fails if it is not found).
const MANIFEST = JSON.parse('__HYBRID_LAB_PRECACHE_MANIFEST__') as PrecacheManifest;
const CACHE = cacheName(MANIFEST.version);

async function precache(): Promise<void> {
  const cache = await caches.open(CACHE);
  // 'no-cache' revalidates with the server: a file the page has just loaded costs a 304, not a copy.
  await Promise.all(
    MANIFEST.files.map(async (file) => {
      const url = new URL(file, self.registration.scope).href;
      const response = await fetch(url, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`precache: ${url} answered HTTP ${response.status}`);
      await cache.put(url, response);
    }),
  );
}

async function activate(): Promise<void> {
  const names = await caches.keys();
  await Promise.all(staleCaches(names, MANIFEST.version).map((name) => caches.delete(name)));
  // Take over the open page at once, so that its reload is isolated (and later loads offline).
  await self.clients.claim();
}

async function respond(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const key =
    request.mode === 'navigate' && isAppNavigation(request.url, self.registration.scope) ? appShellUrl(self.registration.scope) : request;
  const cached = await cache.match(key);
  return withIsolation(cached ?? (await fetch(request)));
}

self.addEventListener('install', (event) => event.waitUntil(precache()));
self.addEventListener('activate', (event) => event.waitUntil(activate()));
self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') void self.skipWaiting();
});
self.addEventListener('fetch', (event) => {
  const { request } = event;
  // Other origins (none, under the app's Content Security Policy) and non-GET requests pass untouched.
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(respond(request));
});
