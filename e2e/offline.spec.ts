import { expect, test, type Page } from '@playwright/test';
import { pauseAndAwaitCheckpoint, readNumber, trackConsoleErrors, waitForStep } from './helpers';
import { serveStatic, type StaticServer } from './staticServer';

// The build served as a GitHub Pages project site would serve it: under a sub-path, by a static server
// that sends no COOP/COEP. The service worker makes the page cross-origin isolated and caches the app.
const DIST = process.env.E2E_DIST ?? 'dist';

let server: StaticServer;
test.beforeEach(async () => {
  server = await serveStatic(DIST);
});
test.afterEach(async () => {
  await server.close();
});

/** True once the page is isolated; evaluate fails while the one isolation reload is under way. */
const isolated = (page: Page) => page.evaluate(() => window.crossOriginIsolated).catch(() => false);

test('from a sub-path of a plain static host: one reload isolates the page, it trains, and again with the network off', async ({
  page,
  context,
}) => {
  const errors = trackConsoleErrors(page);
  await page.goto(`${server.url}?preset=tiny&backend=wasm&autostart=1`);
  await expect.poll(() => isolated(page), { timeout: 120_000 }).toBe(true);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await waitForStep(page, 2);
  await expect(page.getByTestId('backend-isolation')).toHaveCount(0);
  expect(server.log.filter((line) => !line.startsWith('200'))).toEqual([]);
  // The page is controlled by an activated worker, so the precache is complete.
  expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state)).toBe('activated');
  await pauseAndAwaitCheckpoint(page);

  // No server and no network: the app, its wasm and the built-in data come from the cache.
  await server.close();
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-value', '6000', { timeout: 120_000 });
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '1', { timeout: 60_000 });
  expect(await isolated(page)).toBe(true);
  const restored = await readNumber(page, 'metric-step');
  await page.getByTestId('train-start').click();
  await waitForStep(page, restored + 2);
  expect(errors).toEqual([]);
});

test('a new build waiting in the service worker shows "new version available", and Reload switches to it', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await page.goto(`${server.url}?preset=tiny&backend=wasm`);
  await expect.poll(() => isolated(page), { timeout: 120_000 }).toBe(true);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('update-notice')).toHaveCount(0);

  server.swSuffix = '\n// the next build\n';
  await page.evaluate(async () => (await navigator.serviceWorker.ready).update());
  await expect(page.getByTestId('update-notice')).toContainText('new version', { timeout: 120_000 });
  const reloaded = page.waitForEvent('load');
  await page.getByTestId('update-reload').click();
  await reloaded;
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('update-notice')).toHaveCount(0);
  // The new build is the active one now, and nothing waits.
  expect(await page.evaluate(async () => ((await navigator.serviceWorker.ready).waiting === null ? 'none waiting' : 'waiting'))).toBe(
    'none waiting',
  );
  expect(errors).toEqual([]);
});

test.describe('where no service worker may run', () => {
  test.use({ serviceWorkers: 'block' });

  test('the badge says wasm runs on one thread because the page is not cross-origin isolated, with a link to the README', async ({
    page,
  }) => {
    await page.goto(`${server.url}?preset=tiny&backend=wasm`);
    await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
    const warning = page.getByTestId('backend-isolation');
    await expect(warning).toContainText('wasm, 1 thread: this page is not cross-origin isolated');
    const href = await warning.locator('a').getAttribute('href');
    const readme = await page.request.get(new URL(href ?? '', page.url()).href);
    expect(readme.status()).toBe(200);
    expect(await readme.text()).toContain('## Deploy');
  });
});
