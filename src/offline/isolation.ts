// The service worker's pure parts: its cache names, and the headers that make a page cross-origin
// isolated where the host sends none (the approach of the coi-serviceworker project; README "Deploy").

export const CACHE_PREFIX = 'hybrid-lab-precache-';

export function cacheName(version: string): string {
  return `${CACHE_PREFIX}${version}`;
}

/** Caches of earlier versions, which an activated worker deletes. */
export function staleCaches(names: readonly string[], version: string): string[] {
  return names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== cacheName(version));
}

export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The response with COOP and COEP added where the host sent none (a host's own values are kept).
 * Opaque and error responses cannot be rebuilt and pass unchanged.
 */
export function withIsolation(response: Response): Response {
  if (response.status === 0 || response.type === 'opaque' || response.type === 'opaqueredirect') return response;
  const missing = Object.entries(ISOLATION_HEADERS).filter(([name]) => !response.headers.has(name));
  if (missing.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of missing) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** The URL a navigation inside the app's scope is answered with: the cached index.html. */
export function appShellUrl(scope: string): string {
  return new URL('index.html', scope).href;
}

/** True for a navigation to the app itself (its folder or index.html, with any query), not to another page. */
export function isAppNavigation(url: string, scope: string): boolean {
  const { origin, pathname } = new URL(url);
  const root = new URL(scope);
  return origin === root.origin && (pathname === root.pathname || pathname === `${root.pathname}index.html`);
}
