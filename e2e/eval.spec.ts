import { expect, test, type Page } from '@playwright/test';
import { readNumber, trackConsoleErrors, waitForStep } from './helpers';

const READOUTS = {
  'eval-linear-acc': [0, 1],
  'eval-knn-acc': [0, 1],
  'eval-ood-auroc-bpd': [0, 1],
  'eval-ood-auroc-feature': [0, 1],
  'eval-corruption-acc': [0, 1],
  'eval-ece': [0, 1],
} as const;

async function trainAFewSteps(page: Page, steps: number): Promise<void> {
  await page.goto('/?preset=tiny&backend=wasm&autostart=1');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await waitForStep(page, steps);
  await page.getByTestId('train-pause').click();
}

test('eval-run fills every evaluation readout with a number in range, and the trade-off plot has one point per run', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await trainAFewSteps(page, 3);
  await expect(page.getByTestId('eval-ood-set')).toContainText('notMNIST');
  for (const id of Object.keys(READOUTS)) await expect(page.getByTestId(id)).toHaveAttribute('data-value', '');

  const started = Date.now();
  await page.getByTestId('eval-run').click();
  await expect(page.getByTestId('eval-test-bpd')).not.toHaveAttribute('data-value', '', { timeout: 150_000 });
  console.log(`evaluation took ${((Date.now() - started) / 1000).toFixed(1)} s`);

  for (const [id, [lo, hi]] of Object.entries(READOUTS)) {
    const value = await readNumber(page, id);
    expect(value, id).toBeGreaterThanOrEqual(lo);
    expect(value, id).toBeLessThanOrEqual(hi);
  }
  expect(await readNumber(page, 'eval-test-bpd')).toBeGreaterThan(0);
  // The built-in OOD set was decoded and used.
  await expect(page.getByTestId('eval-ood-set')).toContainText('1000 images');

  const runs = await readNumber(page, 'run-list');
  expect(runs).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId('tradeoff-plot')).toHaveAttribute('data-value', String(runs));
  await expect(page.getByTestId('tradeoff-point')).toHaveCount(runs);
  await expect(page.getByTestId('eval-table')).toHaveAttribute('data-value', String(runs));
  await expect(page.getByTestId('eval-history-chart')).toHaveAttribute('data-value', '1');
  expect(errors).toEqual([]);
});

test('an evaluation can be cancelled, and training goes on afterwards', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await trainAFewSteps(page, 2);
  await page.getByTestId('eval-run').click();
  await expect(page.getByTestId('eval-progress')).not.toHaveAttribute('data-value', '', { timeout: 30_000 });
  await page.getByTestId('eval-cancel').click();
  await expect(page.getByTestId('eval-notice')).toContainText('cancelled', { timeout: 30_000 });
  await expect(page.getByTestId('eval-progress')).toHaveAttribute('data-value', '');
  await expect(page.getByTestId('eval-test-bpd')).toHaveAttribute('data-value', '');
  const before = await readNumber(page, 'metric-step');
  await page.getByTestId('train-step').click();
  await waitForStep(page, before + 1, 60_000);
  expect(errors).toEqual([]);
});
