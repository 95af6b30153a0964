import { spawnSync } from 'node:child_process';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { readNumber, trackConsoleErrors, waitForStep } from './helpers';

// Issue 16: a browser run goes to PyTorch and comes back. The app exports a tiny run trained a few
// steps on wasm; python/e2e/test_roundtrip.py proves on the bundle's check set that PyTorch computes
// the same numbers, trains 5 steps of DDP on 2 gloo processes (both ranks identical) and exports; the
// app imports that bundle and evaluates the run.
const PYTHON = process.env.HYBRIDLAB_PYTHON ?? '/usr/bin/python3';

test('app export → PyTorch check set and 5 DDP steps → app import, and the imported run evaluates', async ({ page }, testInfo) => {
  test.setTimeout(480_000);
  const errors = trackConsoleErrors(page);
  await page.goto('/?preset=tiny&backend=wasm');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-value', '6000', { timeout: 120_000 });
  await page.getByTestId('train-start').click();
  await waitForStep(page, 3);
  await page.getByTestId('train-pause').click();
  const row = page.locator('[data-testid="run-list"] li[data-run-id="run-1"]');
  await expect(row).toHaveAttribute('data-status', 'paused');
  const step = await readNumber(page, 'metric-step');

  const downloadStarts = page.waitForEvent('download');
  await page.getByTestId('run-export').click();
  const exported = testInfo.outputPath('browser.zip');
  await copyFile(await (await downloadStarts).path(), exported);

  const fromPython = testInfo.outputPath('pytorch.zip');
  const pytest = spawnSync(PYTHON, ['-m', 'pytest', '-q', '-s', '-p', 'no:cacheprovider', 'python/e2e/test_roundtrip.py'], {
    encoding: 'utf8',
    timeout: 300_000,
    env: {
      ...process.env,
      HYBRIDLAB_BUNDLE: exported,
      HYBRIDLAB_OUT: fromPython,
      HYBRIDLAB_DATA: path.resolve('public/datasets/cifar10-train-5k.zip'),
      HYBRIDLAB_TEST_DATA: path.resolve('public/datasets/cifar10-test-1k.zip'),
    },
  });
  console.log(pytest.stdout, pytest.stderr);
  expect(pytest.status, 'python/e2e/test_roundtrip.py failed (output above)').toBe(0);

  await page.getByTestId('run-import').setInputFiles(fromPython);
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '2', { timeout: 60_000 });
  await expect(page.getByTestId('status-message')).toContainText(`as run-2 at step ${step + 5}`);
  await page.locator('[data-testid="run-list"] li[data-run-id="run-2"] .run-select').click();
  await expect(page.getByTestId('metric-step')).toHaveAttribute('data-value', String(step + 5));
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-value', String(step + 5));

  await page.getByTestId('eval-run').click();
  await expect(page.getByTestId('eval-test-bpd')).not.toHaveAttribute('data-value', '', { timeout: 240_000 });
  const linear = await readNumber(page, 'eval-linear-acc');
  expect(linear).toBeGreaterThanOrEqual(0);
  expect(linear).toBeLessThanOrEqual(1);
  expect(await readNumber(page, 'eval-test-bpd')).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
