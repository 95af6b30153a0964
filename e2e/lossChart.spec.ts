import { expect, test } from '@playwright/test';
import { readNumber, trackConsoleErrors, waitForStep } from './helpers';

test('loss chart: hover and arrow keys read values, the slider change is marked, log scale redraws (tiny, wasm)', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await page.goto('/?preset=tiny&backend=wasm&autostart=1');
  await waitForStep(page, 3);
  const chart = page.getByTestId('loss-chart');
  await expect(chart).toHaveAttribute('data-hyper-marks', '0');
  await page.getByTestId('slider-lambda-con').fill('0');
  const moved = await readNumber(page, 'metric-step');
  await waitForStep(page, moved + 2);
  await page.getByTestId('train-pause').click();
  await expect(page.locator('[data-testid="run-list"] li[data-run-id="run-1"]')).toHaveAttribute('data-status', 'paused');
  const last = await readNumber(page, 'metric-step');
  await expect(chart).toHaveAttribute('data-value', String(last));
  await expect(chart).toHaveAttribute('data-series', '1');
  await expect(chart).toHaveAttribute('data-hyper-marks', '1');

  // The mouse at the right edge reads the last step.
  const canvas = chart.locator('canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error('no loss chart canvas');
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
  const tooltip = page.getByTestId('loss-chart-tooltip');
  await expect(tooltip).toContainText(`step ${last}`);
  await expect(tooltip).toContainText('run-1: ');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height + 80);
  await expect(tooltip).toHaveCount(0);

  // The keyboard walks back from the last step to the dashed mark of the slider change.
  await canvas.focus();
  await page.keyboard.press('End');
  await expect(tooltip).toContainText(`step ${last}`);
  await page.keyboard.press('ArrowLeft');
  await expect(tooltip).toContainText(`step ${last - 1}`);
  for (let i = 0; i < last && !(await tooltip.textContent())?.includes('⚙'); i++) await page.keyboard.press('ArrowLeft');
  const text = (await tooltip.textContent()) ?? '';
  const change = /⚙ from step (\d+): λc=0 λg=1/.exec(text);
  expect(change, text).not.toBeNull();
  expect(Number(change?.[1])).toBeGreaterThan(moved - 2);
  expect(text).toContain(`step ${change?.[1]}`);
  await page.keyboard.press('Escape');
  await expect(tooltip).toHaveCount(0);

  // Log scale: the same curve on a log axis; the text alternative keeps the latest values.
  await page.getByTestId('loss-log-scale').check();
  await expect(chart).toHaveAttribute('data-y-scale', 'log');
  await expect(chart).toHaveAttribute('data-series', '1');
  await expect(page.getByTestId('loss-chart-text')).toContainText(String(last));
  await expect(page.getByTestId('loss-chart-marks')).toContainText('λc=0');
  expect(errors).toEqual([]);
});
