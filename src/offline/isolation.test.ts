import { describe, expect, it } from 'vitest';
import { appShellUrl, cacheName, isAppNavigation, staleCaches, withIsolation } from './isolation';

describe('withIsolation', () => {
  it('adds COOP and COEP to a response without them and keeps its status, headers and body', async () => {
    const response = withIsolation(new Response('body', { status: 203, headers: { 'Content-Type': 'text/html' } }));
    expect(response.status).toBe(203);
    expect(response.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(response.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(response.headers.get('Content-Type')).toBe('text/html');
    expect(await response.text()).toBe('body');
  });

  it("keeps a host's own values and returns a response that has both unchanged", () => {
    const own = new Response('', { headers: { 'Cross-Origin-Embedder-Policy': 'credentialless' } });
    const patched = withIsolation(own);
    expect(patched.headers.get('Cross-Origin-Embedder-Policy')).toBe('credentialless');
    expect(patched.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    const both = new Response('', {
      headers: { 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Opener-Policy': 'same-origin' },
    });
    expect(withIsolation(both)).toBe(both);
  });

  it('passes an error response (status 0) unchanged', () => {
    const failed = Response.error();
    expect(withIsolation(failed)).toBe(failed);
  });
});

describe('cache names and navigations', () => {
  it('deletes only earlier versions of its own cache', () => {
    expect(staleCaches([cacheName('aa'), cacheName('bb'), 'someone-else'], 'bb')).toEqual([cacheName('aa')]);
  });

  it('answers navigations to the app, with any query, from index.html under the scope', () => {
    const scope = 'https://example.org/hybrid-lab/';
    expect(appShellUrl(scope)).toBe('https://example.org/hybrid-lab/index.html');
    expect(isAppNavigation('https://example.org/hybrid-lab/?preset=tiny&autostart=1', scope)).toBe(true);
    expect(isAppNavigation('https://example.org/hybrid-lab/index.html?seed=3', scope)).toBe(true);
    expect(isAppNavigation('https://example.org/hybrid-lab/README.md', scope)).toBe(false);
    expect(isAppNavigation('https://example.org/other/', scope)).toBe(false);
    expect(isAppNavigation('https://elsewhere.org/hybrid-lab/', scope)).toBe(false);
  });
});
