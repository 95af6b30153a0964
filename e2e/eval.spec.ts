import { expect, test, type Page } from '@playwright/test';
import { readNumber, runRow, trackConsoleErrors, waitForStep } from './helpers';

const READOUTS = {
  'eval-linear-acc': [0, 1],
  'eval-knn-acc': [0, 1],
  'eval-ood-auroc-bpd': [0, 1],
  'eval-ood-auroc-feature': [0, 1],
  'eval-corruption-acc': [0, 1],
  'eval-ece': [0, 1],
} as const;

async function trainAFewSteps(page: Page, steps: number): Promise<void> {
  // Started with the button, not autostart=1, which would also start every run created later (a fork).
  await page.goto('/?preset=tiny&backend=wasm');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('train-start')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('train-start').click();
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

/** Every evaluation readout of the selected run, as raw numbers. */
async function readouts(page: Page): Promise<Record<string, number>> {
  const entries = await Promise.all(
    [...Object.keys(READOUTS), 'eval-test-bpd'].map(async (id) => [id, await readNumber(page, id)] as const),
  );
  return Object.fromEntries(entries);
}

test("a fork evaluated at its parent's step gets exactly its parent's results; accuracies count test images", async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await trainAFewSteps(page, 3);
  await expect(runRow(page, 'run-1')).toHaveAttribute('data-status', 'paused');
  const step = Number(await runRow(page, 'run-1').getAttribute('data-step'));
  const trainBpd = await readNumber(page, 'metric-bpd');
  // Smaller subsets than the defaults keep two evaluations short.
  for (const [id, value] of [
    ['eval-train-size', '300'],
    ['eval-test-size', '200'],
    ['eval-ood-size', '100'],
  ] as const) {
    await page.getByTestId(id).fill(value);
    await page.getByTestId(id).press('Enter');
    await expect(page.getByTestId(id)).toHaveValue(value);
  }
  await page.getByTestId('run-fork').click();
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '2');
  await expect(runRow(page, 'run-2')).toHaveAttribute('data-step', String(step));
  await page.getByTestId('eval-run').click(); // every run: the parent and its fork, both at `step`
  await expect(page.getByTestId('eval-table')).toHaveAttribute('data-value', '2', { timeout: 200_000 });

  const fork = await readouts(page); // the fork is selected
  await runRow(page, 'run-1').locator('.run-select').click();
  await expect(runRow(page, 'run-1').locator('.run-select')).toHaveAttribute('aria-pressed', 'true');
  const parent = await readouts(page);
  // Same weights, same seeded subsets and corruption noise: the same numbers, to the last bit. An
  // evaluation that drew its images or noise unseeded, or read another run's weights, differs.
  expect(fork).toEqual(parent);
  // Neither run moved on: both evaluations saw the weights of `step`.
  for (const id of ['run-1', 'run-2']) await expect(runRow(page, id)).toHaveAttribute('data-step', String(step));
  for (const value of Object.values(parent)) expect(Number.isFinite(value)).toBe(true);
  // 200 labelled test images: an accuracy is a count of hits over 200; the corruption accuracy is
  // a mean over 25 such counts.
  for (const id of ['eval-linear-acc', 'eval-knn-acc']) expect(Number.isInteger(Math.round(parent[id] * 200 * 1e6) / 1e6), id).toBe(true);
  expect(Number.isInteger(Math.round(parent['eval-corruption-acc'] * 200 * 25 * 1e6) / 1e6)).toBe(true);
  // A three-step model gives CIFAR test images the bits/dim it gives its training batches: an
  // evaluation in other units (nats, per image) or on other images would be far off.
  console.log(`test bits/dim ${parent['eval-test-bpd']}, last training batch ${trainBpd}`);
  expect(Math.abs(parent['eval-test-bpd'] / trainBpd - 1)).toBeLessThan(0.05);
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
