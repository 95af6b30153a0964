import { expect, test, type Page } from '@playwright/test';
import { readNumber, trackConsoleErrors, waitForStep } from './helpers';

// Faults: a diverged run is paused and put back at its last good checkpoint; a lost device, a crashed
// worker and a hung one end with the runs resumed from their checkpoints; a run too big is refused.
// Tiny preset on wasm; the faults are caused through ?testHooks=1 (window.hybridLabTest).

type Fault = 'deviceLost' | 'crash' | 'hang';

function runRow(page: Page, runId = 'run-1') {
  return page.locator(`[data-testid="run-list"] li[data-run-id="${runId}"]`);
}

async function openApp(page: Page, query: string): Promise<void> {
  await page.goto(`/?preset=tiny&backend=wasm${query}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-value', '6000', { timeout: 120_000 });
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '1', { timeout: 60_000 });
}

test('?lr=1000 diverges: the run pauses, goes back to its last good checkpoint and is offered a lower rate', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await openApp(page, '&lr=1000&autostart=1');
  const status = page.getByTestId('status-message');
  await expect(status).toContainText('diverged at step', { timeout: 120_000 });
  await expect(status).toContainText('restored to its last good checkpoint at step');
  const text = (await status.textContent()) ?? '';
  const divergedAt = Number(/diverged at step (\d+)/.exec(text)?.[1]);
  const restoredTo = Number(/last good checkpoint at step (\d+)/.exec(text)?.[1]);
  expect(divergedAt).toBeGreaterThan(0);
  // lr = 1000 is reached through the 50-step warm-up; the loss overflows well before its end.
  expect(divergedAt).toBeLessThanOrEqual(25);
  expect(restoredTo).toBeLessThan(divergedAt);
  await expect(runRow(page)).toHaveAttribute('data-status', 'paused');
  await expect(runRow(page)).toHaveAttribute('data-step', String(restoredTo));
  await expect(page.getByTestId('metric-step')).toHaveAttribute('data-value', String(restoredTo));
  // Everything drawn is finite: the diverged points went with the rewind.
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-value', String(restoredTo));

  const offer = page.getByTestId('status-action');
  await expect(offer).toHaveText('Resume at lr = 100');
  await offer.click();
  await expect(page.getByTestId('slider-lr')).toHaveAttribute('data-value', '100');
  await expect(runRow(page)).toHaveAttribute('data-status', 'training');
  // The page keeps working: the run answers a pause as usual.
  await page.getByTestId('train-pause').click();
  await expect(runRow(page)).toHaveAttribute('data-status', 'paused', { timeout: 60_000 });
  expect(errors).toEqual([]);
});

for (const [fault, says] of [
  ['crash', 'The training worker crashed'],
  ['deviceLost', 'device was lost'],
  ['hang', 'The training worker stopped answering'],
] as [Fault, string][]) {
  test(`a simulated ${fault} ends with the run resumed from its checkpoint and training again`, async ({ page, baseURL }) => {
    const errors = trackConsoleErrors(page);
    // The restarted worker fetches the wasm binaries and the dataset again: from the app's origin only.
    const requested: string[] = [];
    page.context().on('request', (request) => requested.push(request.url()));
    await openApp(page, '&testHooks=1');
    // A checkpoint at a known step: pause writes one; then train on past it.
    await page.getByTestId('train-start').click();
    await waitForStep(page, 3);
    await page.getByTestId('train-pause').click();
    await expect(runRow(page)).toHaveAttribute('data-status', 'paused');
    const checkpoint = await readNumber(page, 'metric-step');
    await expect(page.locator('[data-testid="stored-run"][data-run-id="run-1"]')).toHaveAttribute('data-step', String(checkpoint), {
      timeout: 30_000,
    });
    await page.getByTestId('train-start').click();
    await waitForStep(page, checkpoint + 2);

    await page.evaluate(
      (f) => (window as unknown as { hybridLabTest: { simulateFault(f: string): void } }).hybridLabTest.simulateFault(f),
      fault,
    );
    const status = page.getByTestId('status-message');
    await expect(status).toContainText(says, { timeout: 60_000 });
    await expect(status).toContainText(`Restarted the worker on wasm and resumed run-1 from step ${checkpoint}`, { timeout: 120_000 });
    await expect(status).toContainText('run-1 training again');
    await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '1');
    await expect(runRow(page)).toHaveAttribute('data-status', 'training');
    // The history is the checkpoint's, and training goes on from there.
    await waitForStep(page, checkpoint + 2);
    expect(await page.evaluate(() => (window as unknown as { hybridLabTest: { recoveries(): number } }).hybridLabTest.recoveries())).toBe(
      1,
    );
    await page.getByTestId('train-pause').click();
    await expect(runRow(page)).toHaveAttribute('data-status', 'paused', { timeout: 60_000 });
    const origin = new URL(baseURL ?? page.url()).origin;
    expect(requested.filter((url) => !/^(data|blob):/.test(url) && new URL(url).origin !== origin)).toEqual([]);
    expect(errors).toEqual([]);
  });
}

test('a run too big for the backend is refused with a clear message, and the page keeps working', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await page.goto('/?preset=large&batch=4096&backend=wasm');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  const status = page.getByTestId('status-message');
  await expect(status).toContainText('for a training step, more than the', { timeout: 180_000 });
  await expect(status).toContainText('Try batch 2048 or a smaller preset');
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '0');
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-value', '6000');
  expect(errors).toEqual([]);
});

test('without ?testHooks=1 the test hooks do not exist', async ({ page }) => {
  await page.goto('/?preset=tiny&backend=wasm');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  expect(await page.evaluate(() => 'hybridLabTest' in window)).toBe(false);
});
