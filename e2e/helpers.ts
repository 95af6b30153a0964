import { expect, type Locator, type Page } from '@playwright/test';

/** Collects console errors and uncaught page errors; tests assert the list stays empty. */
export function trackConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** A run's row in the run list. */
export function runRow(page: Page, runId: string): Locator {
  return page.locator(`[data-testid="run-list"] li[data-run-id="${runId}"]`);
}

/** A run's entry in the list of runs saved in this browser. */
export function storedRun(page: Page, runId: string): Locator {
  return page.locator(`[data-testid="stored-run"][data-run-id="${runId}"]`);
}

/**
 * Pauses the selected run and waits until the pause is announced and its checkpoint is stored. A step
 * may still be in flight when Pause is clicked; the pause lands after it, so a reload made any sooner
 * could find the run still saved as training. Returns the step it paused at.
 */
export async function pauseAndAwaitCheckpoint(page: Page, runId = 'run-1'): Promise<number> {
  await page.getByTestId('train-pause').click();
  await expect(runRow(page, runId)).toHaveAttribute('data-status', 'paused');
  const step = await readNumber(page, 'metric-step');
  await expect(runRow(page, runId)).toHaveAttribute('data-step', String(step));
  await expect(storedRun(page, runId)).toHaveAttribute('data-step', String(step), { timeout: 30_000 });
  return step;
}

export async function readNumber(page: Page, testId: string): Promise<number> {
  const raw = await page.getByTestId(testId).getAttribute('data-value');
  return raw === null || raw === '' ? Number.NaN : Number(raw);
}

export async function waitForStep(page: Page, atLeast: number, timeout = 180_000): Promise<number> {
  await expect
    .poll(() => readNumber(page, 'metric-step'), { timeout, message: `waiting for step ${atLeast}` })
    .toBeGreaterThanOrEqual(atLeast);
  return readNumber(page, 'metric-step');
}

/** Reads the readouts of one rendered step (they all come from the same metrics event). */
export async function readStepMetrics(page: Page): Promise<{ step: number; total: number; con: number; bpd: number }> {
  return page.evaluate(() => {
    const value = (id: string) => Number(document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-value'));
    return { step: value('metric-step'), total: value('metric-loss-total'), con: value('metric-loss-con'), bpd: value('metric-bpd') };
  });
}
