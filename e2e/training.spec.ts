import { expect, test } from '@playwright/test';
import { readNumber, readStepMetrics, trackConsoleErrors, waitForStep } from './helpers';

test('tiny preset trains on wasm: 30+ steps, finite and falling loss', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await page.goto('/?preset=tiny&backend=wasm&autostart=1');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('backend-kernels')).toHaveCount(0);
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-value', '6000', { timeout: 120_000 });
  await expect(page.getByTestId('dataset-classes')).toHaveAttribute('data-value', '10');

  await waitForStep(page, 2);
  const early = await readStepMetrics(page);
  await waitForStep(page, 30);
  const late = await readStepMetrics(page);
  for (const value of [early.total, early.con, early.bpd, late.total, late.con, late.bpd]) expect(Number.isFinite(value)).toBe(true);
  expect(late.total).toBeLessThan(early.total);
  expect(await readNumber(page, 'metric-images-per-sec')).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test('webgpu when forced: the badge reads webgpu and 3 steps give finite losses', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await page.goto('/?preset=tiny&backend=webgpu&autostart=1');
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu', { timeout: 60_000 });
  // The badge's details: every fused kernel fits SwiftShader's limits, so no op falls back.
  await expect(page.getByTestId('backend-kernels')).toHaveText('fused kernels for all 9 ops');
  await waitForStep(page, 3, 200_000);
  const metrics = await readStepMetrics(page);
  expect(Number.isFinite(metrics.total)).toBe(true);
  expect(Number.isFinite(metrics.bpd)).toBe(true);
  expect(errors).toEqual([]);
});

test('λ_con slider at 0: total loss equals λ_gen × bits/dim from the next step, step count kept', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await page.goto('/?preset=tiny&backend=wasm&autostart=1&lambdaGen=0.7');
  await waitForStep(page, 3);
  await page.getByTestId('slider-lambda-con').fill('0');
  const before = await readNumber(page, 'metric-step');
  await expect(page.getByTestId('slider-lambda-con')).toHaveAttribute('data-value', '0');
  expect(new URL(page.url()).searchParams.get('lambdaCon')).toBe('0');
  // The step that was running when the slider moved may still use the old weight; the one after may not.
  await waitForStep(page, before + 2);
  const metrics = await readStepMetrics(page);
  expect(metrics.step).toBeGreaterThan(before);
  expect(metrics.total).toBeCloseTo(0.7 * metrics.bpd, 4);
  expect(errors).toEqual([]);
});
