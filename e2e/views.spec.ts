import { expect, test, type Page } from '@playwright/test';
import { readNumber, trackConsoleErrors, waitForStep } from './helpers';

const runRow = (page: Page, runId: string) => page.locator(`[data-testid="run-list"] li[data-run-id="${runId}"]`);

async function rowStep(page: Page, runId: string): Promise<number> {
  return Number(await runRow(page, runId).getAttribute('data-step'));
}

test('embedding view and samples grid show the selected run (tiny, wasm)', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await page.goto('/?preset=tiny&backend=wasm');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  // Both views are computed for the new run at step 0, between steps, without training.
  await expect.poll(() => readNumber(page, 'embedding-view'), { timeout: 120_000 }).toBeGreaterThanOrEqual(500);
  await expect.poll(() => readNumber(page, 'samples-grid'), { timeout: 120_000 }).toBeGreaterThanOrEqual(16);
  const all = await readNumber(page, 'embedding-view');

  // Zooming in on the middle leaves part of the cloud outside the canvas: fewer points drawn.
  const canvas = page.getByTestId('embedding-view').locator('canvas');
  await canvas.hover();
  for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -400);
  await expect.poll(() => readNumber(page, 'embedding-view')).toBeLessThan(all);
  await canvas.dblclick();
  await expect.poll(() => readNumber(page, 'embedding-view')).toBeGreaterThanOrEqual(all);

  // UMAP on demand: parameters first, then progress, then the projection switches to it.
  await page.locator('.umap-controls label', { hasText: 'epochs' }).locator('input').fill('50');
  await page.getByTestId('umap-run').click();
  await expect(page.locator('.embedding .hint').first()).toContainText('UMAP of', { timeout: 120_000 });
  await expect.poll(() => readNumber(page, 'embedding-view')).toBeGreaterThanOrEqual(500);

  // A new temperature resamples on demand.
  const before = await page.getByTestId('samples-grid').locator('canvas').screenshot();
  await page.getByTestId('sample-temperature').fill('0.5');
  await expect(page.locator('.samples .hint')).toContainText('temperature 0.50', { timeout: 60_000 });
  expect(await page.getByTestId('samples-grid').locator('canvas').screenshot()).not.toEqual(before);
  expect(errors).toEqual([]);
});

test("run-fork starts a run at its parent's step, not training even under autostart=1; both then train (tiny, wasm)", async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await page.goto('/?preset=tiny&backend=wasm&autostart=1');
  await waitForStep(page, 3);
  await page.getByTestId('train-pause').click();
  await expect(runRow(page, 'run-1')).toHaveAttribute('data-status', 'paused');
  const parentStep = await rowStep(page, 'run-1');
  expect(parentStep).toBeGreaterThanOrEqual(3);

  await page.getByTestId('run-fork').click();
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '2');
  const child = runRow(page, 'run-2');
  await expect(child).toHaveAttribute('data-fork-step', String(parentStep));
  await expect(child).toHaveAttribute('data-step', String(parentStep));
  // The fork is selected, so the readouts follow it: its step count starts at the parent's, not 0.
  await expect(page.getByTestId('metric-step')).toHaveAttribute('data-value', String(parentStep));
  // The loss chart marks where the fork left its parent, and its readout names the fork there.
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-fork-marks', '1');
  const canvas = page.getByTestId('loss-chart').locator('canvas');
  await canvas.focus();
  await page.keyboard.press('End');
  await expect(page.getByTestId('loss-chart-tooltip')).toContainText(`run-2 forked from run-1 here (step ${parentStep})`);
  await page.keyboard.press('Escape');
  // autostart=1 started run-1 only. A start for the fork would have been sent as it arrived, before
  // this one step, so once the step is shown a fork that was started would show it too.
  await page.getByTestId('train-step').click();
  await expect(child).toHaveAttribute('data-step', String(parentStep + 1));
  await expect(child).toHaveAttribute('data-status', 'idle');

  // Give the fork other loss weights, then train both side by side.
  await page.getByTestId('slider-lambda-con').fill('0');
  await page.getByTestId('train-start').click();
  await runRow(page, 'run-1').getByTestId('run-toggle').click();
  await expect.poll(() => rowStep(page, 'run-2'), { timeout: 120_000 }).toBeGreaterThanOrEqual(parentStep + 4);
  await expect.poll(() => rowStep(page, 'run-1'), { timeout: 120_000 }).toBeGreaterThanOrEqual(parentStep + 3);
  await expect(runRow(page, 'run-1')).toHaveAttribute('data-status', 'training');
  await expect(child).toHaveAttribute('data-status', 'training');
  expect(errors).toEqual([]);
});
