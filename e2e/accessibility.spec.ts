import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readNumber, trackConsoleErrors, waitForStep } from './helpers';

const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function violations(page: Page): Promise<string[]> {
  const { violations: found } = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  return found.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe-core finds no WCAG 2.1 A/AA violation while two runs train and after an evaluation (tiny, wasm)', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await page.goto('/?preset=tiny&backend=wasm&autostart=1');
  await waitForStep(page, 2);
  await page.getByTestId('run-fork').click();
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '2');
  await expect.poll(() => readNumber(page, 'embedding-view'), { timeout: 120_000 }).toBeGreaterThan(0);
  await expect.poll(() => readNumber(page, 'samples-grid'), { timeout: 120_000 }).toBeGreaterThan(0);
  expect(await violations(page)).toEqual([]);

  // The evaluation table, the trade-off plot and the history chart filled in (small subsets: seconds).
  for (const [id, value] of [
    ['eval-train-size', '100'],
    ['eval-test-size', '50'],
    ['eval-ood-size', '50'],
  ]) {
    await page.getByTestId(id).fill(value);
    await page.getByTestId(id).press('Enter');
  }
  await page.getByTestId('eval-run').click();
  await expect(page.getByTestId('eval-table')).toHaveAttribute('data-value', '2', { timeout: 180_000 });
  expect(await violations(page)).toEqual([]);
  // The charts' text alternatives give their latest values.
  await expect(page.getByTestId('tradeoff-text')).toContainText('linear-probe accuracy');
  await expect(page.getByTestId('eval-history-text')).toContainText('Latest, step');
  await expect(page.getByTestId('loss-chart-text')).toContainText('run-2');
  expect(errors).toEqual([]);
});

test('every control is reached by Tab, and the sliders and charts speak their values', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await page.goto('/?preset=tiny&backend=wasm');
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '1', { timeout: 120_000 });
  await expect.poll(() => readNumber(page, 'embedding-view'), { timeout: 120_000 }).toBeGreaterThan(0);
  await page.getByTestId('train-step').click();
  await waitForStep(page, 1);

  // Tab from the top of the page until focus comes back round, noting every element it stops on.
  const reached = new Set<string>();
  const describe = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return '';
      if (!el.hasAttribute('data-tab-seen')) el.setAttribute('data-tab-seen', String(document.querySelectorAll('[data-tab-seen]').length));
      return el.getAttribute('data-tab-seen') ?? '';
    });
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const id = await describe();
    if (id && reached.has(id)) break;
    if (id) reached.add(id);
  }
  const missed = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href], [tabindex]'))
      .filter((el) => !(el as HTMLButtonElement).disabled && el.tabIndex >= 0 && el.getClientRects().length > 0)
      .filter((el) => !el.hasAttribute('data-tab-seen'))
      // Radio buttons of one group share a single tab stop; the arrow keys move within it.
      .filter((el) => !(el instanceof HTMLInputElement && el.type === 'radio' && !el.checked))
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  expect(missed).toEqual([]);

  // Sliders: operable with the arrow keys, and they announce a value a person reads.
  const lr = page.getByTestId('slider-lr');
  await expect(lr).toHaveAttribute('aria-valuetext', /^\d\.\de-\d$/);
  const lambda = page.getByTestId('slider-lambda-con');
  await lambda.focus();
  const before = Number(await lambda.getAttribute('data-value'));
  await page.keyboard.press('ArrowLeft');
  await expect(lambda).not.toHaveAttribute('data-value', String(before));
  await expect(lambda).toHaveAttribute('aria-valuetext', Number(await lambda.getAttribute('data-value')).toFixed(2));

  // The embedding view: + zooms at the centre (fewer points drawn), 0 resets.
  const view = page.getByTestId('embedding-view');
  const all = await readNumber(page, 'embedding-view');
  await view.locator('canvas[tabindex]').focus();
  for (let i = 0; i < 8; i++) await page.keyboard.press('+');
  // The count follows the page's next animation frame and React commit, which a loaded 2-core machine can delay past 5 s.
  await expect.poll(() => readNumber(page, 'embedding-view'), { timeout: 30_000 }).toBeLessThan(all);
  await page.keyboard.press('0');
  await expect.poll(() => readNumber(page, 'embedding-view'), { timeout: 30_000 }).toBe(all);
  // The image nearest the centre is described, as a hovered one is.
  await expect(page.getByTestId('embedding-hover')).toContainText('test image #');
  await expect(view.getByRole('img').first()).toHaveAttribute('aria-label', /held-out images/);
  await expect(page.getByTestId('samples-grid').locator('canvas')).toHaveAttribute('aria-label', /unconditional samples/);
  await expect(page.getByTestId('loss-chart-text')).toContainText('run-1');
  expect(errors).toEqual([]);
});
