import { expect, test } from '@playwright/test';
import { trackConsoleErrors, waitForStep } from './helpers';

test('no request leaves the app origin during a training session', async ({ page, baseURL }) => {
  const errors = trackConsoleErrors(page);
  const requested: string[] = [];
  // context-level listener: it also sees the worker's fetches (dataset zips, wasm binaries).
  page.context().on('request', (request) => requested.push(request.url()));
  await page.goto('/?preset=tiny&backend=wasm&autostart=1');
  await waitForStep(page, 3);
  const appOrigin = new URL(baseURL ?? page.url()).origin;
  const foreign = requested.filter((url) => {
    const { protocol, origin } = new URL(url);
    return protocol !== 'data:' && protocol !== 'blob:' && origin !== appOrigin;
  });
  expect(requested.length).toBeGreaterThan(3);
  expect(requested.some((url) => url.endsWith('.wasm'))).toBe(true);
  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);
});

test('the built page carries a strict Content Security Policy', async ({ page }) => {
  await page.goto('/?preset=tiny&backend=wasm');
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toContain("default-src 'self'");
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policy).not.toContain("'unsafe-eval'");
  expect(policy).toMatch(/connect-src 'self'/);
});
