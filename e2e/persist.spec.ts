import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { pauseAndAwaitCheckpoint, readNumber, readStepMetrics, storedRun, trackConsoleErrors, waitForStep } from './helpers';

// Runs survive reloads, and export/import round-trips a run. Tiny preset on wasm.
const URL = '/?preset=tiny&backend=wasm';

async function openApp(page: Page): Promise<void> {
  await page.goto(URL);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-value', '6000', { timeout: 120_000 });
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '1', { timeout: 60_000 });
}

/** Trains the selected run to at least `steps`, pauses, and waits for the pause checkpoint. */
async function trainAndPause(page: Page, steps: number): Promise<number> {
  await page.getByTestId('train-start').click();
  await waitForStep(page, steps);
  return pauseAndAwaitCheckpoint(page);
}

test('train, pause, reload: the run comes back with its step and history and resumes exactly', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await openApp(page);
  const step = await trainAndPause(page, 4);
  const digest = await storedRun(page, 'run-1').getAttribute('data-digest');
  await expect(storedRun(page, 'run-1')).toHaveAttribute('data-points', String(step));

  // One more step without a checkpoint: after the reload the run is back at `step`, and the same
  // step taken again must give exactly these losses (as if the page had never been reloaded).
  await page.getByTestId('train-step').click();
  await waitForStep(page, step + 1);
  const uninterrupted = await readStepMetrics(page);
  expect(uninterrupted.step).toBe(step + 1);

  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-value', '6000', { timeout: 120_000 });
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '1', { timeout: 60_000 });
  const row = page.locator('[data-testid="run-list"] li[data-run-id="run-1"]');
  await expect(row).toHaveAttribute('data-step', String(step));
  await expect(row).toHaveAttribute('data-status', 'paused');
  await expect(page.getByTestId('metric-step')).toHaveAttribute('data-value', String(step));
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-value', String(step));
  await expect(storedRun(page, 'run-1')).toHaveAttribute('data-digest', digest ?? 'missing');

  await page.getByTestId('train-step').click();
  await waitForStep(page, step + 1);
  expect(await readStepMetrics(page)).toEqual(uninterrupted);

  await page.getByTestId('train-start').click();
  await waitForStep(page, step + 3);
  // Paused before comparing: while it trains, the chart's count moves on between the two reads.
  await page.getByTestId('train-pause').click();
  await expect(row).toHaveAttribute('data-status', 'paused');
  const last = await readNumber(page, 'metric-step');
  await expect(row).toHaveAttribute('data-step', String(last));
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-value', String(last));
  expect(errors).toEqual([]);
});

test('export then import gives a second run with the identical history; the zip holds the bundle files', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await openApp(page);
  const step = await trainAndPause(page, 3);
  const downloadStarts = page.waitForEvent('download');
  await page.getByTestId('run-export').click();
  const download = await downloadStarts;
  expect(download.suggestedFilename()).toBe(`hybrid-lab-run-1-step${step}.zip`);
  const path = await download.path();
  const bytes = await readFile(path);
  const text = bytes.toString('latin1');
  for (const name of ['config.json', 'metrics.json', 'metrics.csv', 'model.json', 'weights.bin', 'optimizer.json', 'optimizer.bin'])
    expect(text).toContain(name);

  await page.getByTestId('run-import').setInputFiles(path);
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '2', { timeout: 60_000 });
  await expect(page.getByTestId('status-message')).toContainText(`as run-2 at step ${step}`);
  const [original, imported] = [storedRun(page, 'run-1'), storedRun(page, 'run-2')];
  await expect(imported).toHaveAttribute('data-step', String(step), { timeout: 30_000 });
  await expect(imported).toHaveAttribute('data-points', String(step));
  expect(await imported.getAttribute('data-digest')).toBe(await original.getAttribute('data-digest'));

  // The imported run continues exactly where the original was: the same next step.
  await page.locator('[data-testid="run-list"] li[data-run-id="run-1"] .run-select').click();
  await page.getByTestId('train-step').click();
  await waitForStep(page, step + 1);
  const fromOriginal = await readStepMetrics(page);
  await page.locator('[data-testid="run-list"] li[data-run-id="run-2"] .run-select').click();
  await expect(page.getByTestId('metric-step')).toHaveAttribute('data-value', String(step));
  await page.getByTestId('train-step').click();
  await waitForStep(page, step + 1);
  expect(await readStepMetrics(page)).toEqual(fromOriginal);
  expect(errors).toEqual([]);
});

test('a garbage file in run-import changes nothing and says why in status-message', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await openApp(page);
  await page
    .getByTestId('run-import')
    .setInputFiles({ name: 'garbage.zip', mimeType: 'application/zip', buffer: Buffer.from('this is not a run bundle') });
  await expect(page.getByTestId('status-message')).toContainText('garbage.zip was not imported: not a zip file');
  await expect(page.getByTestId('status-message')).toContainText('Nothing was changed');
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '1');
  await expect(page.getByTestId('stored-runs')).toHaveAttribute('data-value', '1');
  expect(errors).toEqual([]);
});
