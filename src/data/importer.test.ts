// Importer behaviour beyond the shared files: limits, cancel, progress, concurrency, lazy inputs,
// CIFAR-100, IDX pairing edge cases, nesting depth.

import { describe, expect, it } from 'vitest';
import { gzipSync, strToU8, zipSync } from 'fflate';
import { importDataset } from './importer';
import type { ImportProgress } from './importTypes';
import { fakeDecoder } from './fakeDecoder.testing';
import { pngOfSize } from './sharedDatasets.testing';

const png = pngOfSize(8, 8);
const many = (n: number, dir = 'x') => Array.from({ length: n }, (_, i) => ({ path: `${dir}/${i % 2 ? 'a' : 'b'}/${i}.png`, bytes: png }));

function idx(dims: number[], fill: (i: number) => number): Uint8Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const b = new Uint8Array(4 + 4 * dims.length + n);
  const dv = new DataView(b.buffer);
  b[2] = 8;
  b[3] = dims.length;
  dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d));
  for (let i = 0; i < n; i++) b[4 + 4 * dims.length + i] = fill(i);
  return b;
}

describe('importer', () => {
  it('bounds decoder concurrency and reports progress to completion', async () => {
    const dec = fakeDecoder();
    const progress: ImportProgress[] = [];
    const d = await importDataset('x', many(200), {
      imageSize: 8,
      decode: dec,
      onProgress: (p) => progress.push(p),
      limits: { decodeConcurrency: 3 },
    });
    expect(d.train.count + d.test.count).toBe(200);
    expect(dec.maxInFlight).toBeLessThanOrEqual(3);
    expect(dec.maxInFlight).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({ phase: 'decoding', done: 200, total: 200 });
    expect(progress.some((p) => p.phase === 'reading')).toBe(true);
  });

  it('can be cancelled', async () => {
    const ac = new AbortController();
    const dec = fakeDecoder();
    const decode: typeof dec = Object.assign(async (b: Uint8Array, n: string, s: number) => {
      if (dec.calls.length === 10) ac.abort();
      return dec(b, n, s);
    }, dec);
    const p = importDataset('x', many(500), { imageSize: 8, decode, signal: ac.signal });
    await expect(p).rejects.toThrow(/abort/i);
    expect(dec.calls.length).toBeLessThan(30);
  });

  it('reads lazy inputs on demand', async () => {
    let reads = 0;
    const inputs = many(10).map((f) => ({ path: f.path, bytes: async () => (reads++, png) }));
    const d = await importDataset('x', inputs, { imageSize: 8, decode: fakeDecoder() });
    expect(d.train.count + d.test.count).toBe(10);
    expect(reads).toBe(20); // once to sniff, once to decode; never all held at once by the importer
  });

  it('enforces the file-count, entry, archive and store limits with reasons', async () => {
    const files = await importDataset('x', many(10), { imageSize: 8, decode: fakeDecoder(), limits: { maxFiles: 6 } });
    expect(files.train.count + files.test.count).toBe(6);
    expect(files.skipped).toEqual([{ name: '4 more files', reason: expect.stringMatching(/6-file limit/) }]);

    const zip = zipSync({ 'a/1.png': png, 'a/2.png': png });
    const arch = await importDataset('x', [{ path: 'z.zip', bytes: zip }], {
      imageSize: 8,
      decode: fakeDecoder(),
      limits: { maxArchiveBytes: png.length },
    });
    expect(arch.train.count).toBe(0);
    expect(arch.skipped[0].reason).toMatch(/archive declares .* not inflated/);

    const entry = await importDataset('x', [{ path: 'z.zip', bytes: zip }], {
      imageSize: 8,
      decode: fakeDecoder(),
      limits: { maxEntryBytes: 10 },
    });
    expect(entry.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/per-file limit; not inflated/),
      expect.stringMatching(/per-file limit/),
    ]);

    const store = await importDataset('x', many(100), { imageSize: 8, decode: fakeDecoder(), limits: { maxStoreBytes: 50 * 8 * 8 * 3 } });
    expect(store.train.count + store.test.count).toBeLessThanOrEqual(50);
    expect(store.skipped.at(-1)!.reason).toMatch(/store holds 50 images/);
  });

  it('opens a zip in a zip, refuses a zip in a zip in a zip', async () => {
    const inner2 = zipSync({ 'deep.png': png });
    const inner1 = zipSync({ 'i/inner2.zip': inner2, 'i/ok.png': png });
    const outer = zipSync({ 'o/inner1.zip': inner1 });
    const dec = fakeDecoder();
    const d = await importDataset('x', [{ path: 'outer.zip', bytes: outer }], { imageSize: 8, decode: dec });
    expect(dec.calls).toEqual(['outer.zip: o/inner1.zip: i/ok.png']);
    expect(d.skipped).toEqual([
      { name: 'outer.zip: o/inner1.zip: i/inner2.zip', reason: expect.stringMatching(/nested more than one level/) },
    ]);
  });

  it('gunzips loose files of any kind (an image .gz is still an image)', async () => {
    const dec = fakeDecoder();
    await importDataset('x', [{ path: 'p.png.gz', bytes: gzipSync(png) }], { imageSize: 8, decode: dec });
    expect(dec.calls).toEqual(['p.png.gz']);
  });

  it('reads CIFAR-100 batches with fine labels and names', async () => {
    const n = 6;
    const bin = new Uint8Array(n * 3074);
    for (let k = 0; k < n; k++) {
      bin[k * 3074] = 19; // coarse
      bin[k * 3074 + 1] = 98 - k; // fine
      bin.fill(k, k * 3074 + 2, (k + 1) * 3074);
    }
    const names = Array.from({ length: 100 }, (_, i) => `c${i}`).join('\n');
    const d = await importDataset(
      'c100',
      [
        { path: 'cifar-100-binary/train.bin', bytes: bin },
        { path: 'cifar-100-binary/fine_label_names.txt', bytes: strToU8(names) },
        { path: 'cifar-100-binary/coarse_label_names.txt', bytes: strToU8('x\ny') },
      ],
      { imageSize: 32, decode: fakeDecoder(), testFraction: 0 },
    );
    expect(d.skipped).toEqual([]);
    expect(d.classNames).toHaveLength(100);
    expect(d.classNames[98]).toBe('c98');
    expect(Array.from(d.train.labels)).toEqual([98, 97, 96, 95, 94, 93]);
    expect(d.train.pixels[3 * 3072 + 100]).toBe(3);
  });

  it('skips IDX files that do not pair or do not match, and keeps unpaired images unlabelled', async () => {
    const images = idx([5, 4, 4], (i) => i % 256);
    const d = await importDataset(
      'x',
      [
        { path: 'train-images-idx3-ubyte', bytes: images },
        { path: 'train-labels-idx1-ubyte', bytes: idx([4], () => 1) },
        { path: 'extra-images-idx3-ubyte', bytes: images },
        { path: 'orphan-labels-idx1-ubyte', bytes: idx([5], () => 1) },
      ],
      { imageSize: 4, decode: fakeDecoder(), testFraction: 0 },
    );
    expect(d.skipped.map((s) => [s.name, s.reason])).toEqual([
      ['train-images-idx3-ubyte', expect.stringMatching(/do not match in count/)],
      ['train-labels-idx1-ubyte', expect.stringMatching(/do not match in count/)],
      ['orphan-labels-idx1-ubyte', expect.stringMatching(/no matching images/)],
    ]);
    expect(d.train.count).toBe(5);
    expect(Array.from(d.train.labels)).toEqual([-1, -1, -1, -1, -1]);
  });

  it('turns decoder failures and throws into skip lines', async () => {
    const d = await importDataset(
      'x',
      [
        { path: 'a.png', bytes: png },
        { path: 'b.png', bytes: png },
      ],
      {
        imageSize: 8,
        decode: async (_b, name) => {
          if (name === 'a.png') return { ok: false, reason: 'the browser could not decode it (x)' };
          throw new Error('boom');
        },
      },
    );
    expect(d.train.count + d.test.count).toBe(0);
    expect(d.skipped.map((s) => s.reason)).toEqual(['the browser could not decode it (x)', 'could not be decoded: boom']);
  });
});
