import { expect, test } from '@playwright/test';
import { readNumber, trackConsoleErrors } from './helpers';

test('sweep-start replaces the runs with one per weighting on one seed, trains them, and the baseline rows fill with a number', async ({
  page,
}) => {
  const errors = trackConsoleErrors(page);
  await page.goto('/?preset=tiny&backend=wasm&seed=3');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '1', { timeout: 120_000 });
  // The default set is four weightings.
  await expect(page.getByTestId('sweep-note')).toContainText('4 runs');

  // Small subsets and two weightings evaluated at step 2 keep this short; the defaults are bigger.
  for (const [id, value] of [
    ['eval-train-size', '100'],
    ['eval-test-size', '50'],
    ['eval-ood-size', '40'],
  ] as const) {
    await page.getByTestId(id).fill(value);
    await page.getByTestId(id).press('Enter');
    await expect(page.getByTestId(id)).toHaveValue(value);
  }
  await page.getByTestId('sweep-weightings').fill('0:1, 1:1');
  await page.getByTestId('sweep-every').fill('2');
  await expect(page.getByTestId('sweep-note')).toContainText('2 runs');
  await page.getByTestId('sweep-start').click();

  const runs = page.getByTestId('run-list').locator('li');
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '2');
  await expect(runs).toHaveCount(2);
  await expect(runs.nth(0)).toContainText('λc 0 · λg 1');
  await expect(runs.nth(1)).toContainText('λc 1 · λg 1');
  await expect(runs.nth(0)).toHaveAttribute('data-status', 'training');
  await expect(runs.nth(1)).toHaveAttribute('data-status', 'training');
  await expect(page.getByTestId('eval-auto-every')).toHaveValue('2');

  // Both rows exist before they are evaluated, then the first evaluation (step 2) fills them.
  const baselines = page.getByTestId('eval-baseline');
  await expect(baselines).toHaveCount(2);
  for (let i = 0; i < 2; i++) {
    await expect(baselines.nth(i)).not.toHaveAttribute('data-value', '', { timeout: 200_000 });
    const value = Number(await baselines.nth(i).getAttribute('data-value'));
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(1);
  }
  await expect(baselines.nth(0)).toHaveAttribute('data-kind', 'untrained');
  await expect(baselines.nth(1)).toHaveAttribute('data-kind', 'pixels');
  // Both runs are evaluated every 2 steps and drawn on the trade-off plot, beside the baselines.
  await expect(page.getByTestId('tradeoff-point')).toHaveCount(2, { timeout: 200_000 });
  await expect(page.getByTestId('tradeoff-baseline')).toHaveCount(2);
  for (const id of ['run-2', 'run-3'])
    await page.getByTestId('run-list').locator(`li[data-run-id="${id}"] [data-testid="run-toggle"]`).click();
  expect(await readNumber(page, 'run-list')).toBe(2);
  expect(errors).toEqual([]);
});
