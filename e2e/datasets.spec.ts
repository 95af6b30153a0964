// Datasets end to end: through the real inputs (file picker, folder picker, drop zone), exact
// counts in the summary, replacing the dataset only after confirmation, cancel, the OOD importer, and
// training on the new data.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { readNumber, trackConsoleErrors, waitForStep } from './helpers';

// CI clones the repository next to the `shared` folder.
const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/datasets');
const shared = (rel: string) => path.join(SHARED, rel);

test.describe.configure({ mode: 'serial' });

/** Opens the app on the tiny preset (wasm) and waits for the built-in data and its first run. */
async function openApp(page: Page): Promise<string[]> {
  const errors = trackConsoleErrors(page);
  await page.goto('/?preset=tiny&backend=wasm');
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-value', '6000', { timeout: 120_000 });
  await expect(page.locator('[data-testid="run-list"] li[data-run-id="run-1"]')).toBeVisible();
  return errors;
}

/** Confirms the replacement, waits for the counts, and trains the fresh run for a few steps. */
async function expectReplacedAndTraining(page: Page, images: number, classes: number, runId = 'run-2'): Promise<void> {
  await expect(page.getByTestId('replace-dialog')).toBeVisible();
  await page.getByTestId('replace-confirm').click();
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-value', String(images), { timeout: 120_000 });
  await expect(page.getByTestId('dataset-classes')).toHaveAttribute('data-value', String(classes));
  // The old run is gone and one fresh run on the new data is selected.
  await expect(page.getByTestId('run-list')).toHaveAttribute('data-value', '1');
  await expect(page.locator(`[data-testid="run-list"] li[data-run-id="${runId}"].selected`)).toBeVisible();
  await page.getByTestId('train-start').click();
  await waitForStep(page, 2, 90_000);
  expect(await readNumber(page, 'metric-step')).toBeGreaterThanOrEqual(2);
}

/** Folder names of a zip in entry order (the order the importer keeps for its classes). */
function zipClassOrder(file: string): string[] {
  const order: string[] = [];
  unzipSync(new Uint8Array(readFileSync(file)), {
    filter: (entry) => {
      const c = entry.name.split('/')[1];
      if (c && entry.name.endsWith('.png') && !order.includes(c)) order.push(c);
      return false;
    },
  });
  return order;
}

/** `perClass` PNGs of each of the first `classes` Fashion-MNIST classes, as { 'class/name.png': bytes }. */
function fashionPngs(classes: number, perClass: number): Record<string, Uint8Array> {
  const all = unzipSync(new Uint8Array(readFileSync(shared('fashion-mnist-test-1k.zip'))), { filter: (e) => e.name.endsWith('.png') });
  const out: Record<string, Uint8Array> = {};
  const taken = new Map<string, number>();
  for (const [name, bytes] of Object.entries(all)) {
    const [, cls, base] = name.split('/');
    if (!taken.has(cls) && taken.size >= classes) continue;
    const n = taken.get(cls) ?? 0;
    if (n >= perClass) continue;
    taken.set(cls, n + 1);
    out[`${cls}/${base}`] = bytes;
  }
  return out;
}

test('a zip through the file input: 1000 images, 10 classes in archive order, thumbnails, then training', async ({ page }) => {
  const errors = await openApp(page);
  await page.getByTestId('dataset-files').setInputFiles(shared('fashion-mnist-test-1k.zip'));
  await expectReplacedAndTraining(page, 1000, 10);
  await expect(page.locator('.class-name')).toHaveText(zipClassOrder(shared('fashion-mnist-test-1k.zip')));
  await expect(page.locator('.class-count')).toHaveText(new Array(10).fill('90'));
  // Four thumbnails per class, drawn from the worker's pixels.
  await expect(page.locator('.class-thumbs canvas')).toHaveCount(40);
  await expect(page.getByTestId('dataset-skipped')).toHaveAttribute('data-value', '0');
  expect(errors).toEqual([]);
});

test('a folder through the folder input: class subfolders, a skipped file with its reason', async ({ page }) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hybrid-lab-folder-'));
  try {
    const folder = path.join(root, 'clothes');
    for (const [rel, bytes] of Object.entries(fashionPngs(3, 20))) {
      mkdirSync(path.dirname(path.join(folder, rel)), { recursive: true });
      writeFileSync(path.join(folder, rel), bytes);
    }
    writeFileSync(path.join(folder, 'notes.txt'), 'not an image');
    const errors = await openApp(page);
    await page.getByTestId('dataset-folder').setInputFiles(folder);
    await expectReplacedAndTraining(page, 60, 3);
    const skipped = page.getByTestId('dataset-skipped');
    await expect(skipped).toHaveAttribute('data-value', '1');
    await skipped.locator('summary').click();
    await expect(skipped.locator('li')).toHaveText([/^clothes\/notes\.txt: .+/]);
    expect(errors).toEqual([]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the CIFAR-10 .bin with batches.meta.txt: 200 images, 10 classes', async ({ page }) => {
  const errors = await openApp(page);
  await page.getByTestId('dataset-files').setInputFiles([shared('cifar10-bin/test_batch_200.bin'), shared('cifar10-bin/batches.meta.txt')]);
  await expectReplacedAndTraining(page, 200, 10);
  await expect(page.locator('.class-name').first()).toHaveText('airplane');
  expect(errors).toEqual([]);
});

test('the MNIST IDX pair (gzipped): 10000 images, 10 classes', async ({ page }) => {
  const errors = await openApp(page);
  await page
    .getByTestId('dataset-files')
    .setInputFiles([shared('mnist-idx/t10k-images-idx3-ubyte.gz'), shared('mnist-idx/t10k-labels-idx1-ubyte.gz')]);
  await expectReplacedAndTraining(page, 10000, 10);
  expect(errors).toEqual([]);
});

test('loose images dropped on the drop zone: an unlabelled dataset that still trains', async ({ page }) => {
  const errors = await openApp(page);
  const pngs = Object.entries(fashionPngs(2, 20)).map(([rel, bytes]) => ({
    name: rel.replace('/', '-'),
    base64: Buffer.from(bytes).toString('base64'),
  }));
  await page.getByTestId('dataset-drop').evaluate((zone, files) => {
    const data = new DataTransfer();
    for (const f of files) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      data.items.add(new File([bytes], f.name, { type: 'image/png' }));
    }
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, pngs);
  await expectReplacedAndTraining(page, 40, 0);
  await expect(page.locator('.needs-labels')).toBeVisible();
  await expect(page.locator('.class-thumbs canvas')).toHaveCount(4);
  expect(errors).toEqual([]);
});

test('keep, cancel and a failed import leave the dataset and runs untouched; the OOD input takes a set', async ({ page }) => {
  const errors = await openApp(page);
  const big = [shared('cifar10-train-5k.zip'), shared('cifar10-test-1k.zip'), shared('notmnist-test-1k.zip')];

  await page.getByTestId('dataset-files').setInputFiles(big);
  await page.getByTestId('replace-keep').click();
  await expect(page.getByTestId('status-message')).toHaveText('Kept the current dataset and runs.');
  await expect(page.getByTestId('import-progress')).toHaveCount(0);

  await page.getByTestId('dataset-files').setInputFiles(big);
  await page.getByTestId('replace-confirm').click();
  await expect(page.getByTestId('import-progress')).toBeVisible();
  await page.getByTestId('import-cancel').click();
  await expect(page.getByTestId('status-message')).toHaveText(
    /^Import cancelled; the previous dataset \(CIFAR-10 .*\) and its 1 run are untouched\.$/,
  );
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
  expect(await readNumber(page, 'dataset-summary')).toBe(6000);
  await expect(page.locator('[data-testid="run-list"] li')).toHaveCount(1);
  await expect(page.locator('[data-testid="run-list"] li[data-run-id="run-1"]')).toBeVisible();

  await page.getByTestId('dataset-files').setInputFiles(shared('odd-files/notes.txt'));
  await page.getByTestId('replace-confirm').click();
  await expect(page.getByTestId('status-message')).toHaveText(
    /^Import failed: notes\.txt has no image that could be imported \(1 skipped, e\.g\. notes\.txt: .+\); the previous dataset \(CIFAR-10 .*\) and its 1 run are untouched\.$/,
  );
  expect(await readNumber(page, 'dataset-summary')).toBe(6000);
  await expect(page.locator('[data-testid="run-list"] li')).toHaveCount(1);

  await page.getByTestId('ood-files').setInputFiles(shared('notmnist-test-1k.zip'));
  await expect(page.getByTestId('ood-status')).toHaveText(/^notmnist-test-1k\.zip: 1000 images/, { timeout: 60_000 });
  expect(errors).toEqual([]);
});
