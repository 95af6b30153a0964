// ../shared/datasets/odd-files: every valid image imported, every broken or unsupported one skipped with
// a reason, the bomb refused without inflating, the truncated zip's readable entries imported, path
// traversal contained, nested zip opened.

import { describe, expect, it } from 'vitest';
import { importDataset } from './importer';
import type { ImportInput } from './importTypes';
import { fakeDecoder } from './fakeDecoder.testing';
import { folderInputs, input } from './sharedDatasets.testing';

async function importOne(rel: string) {
  const dec = fakeDecoder();
  const d = await importDataset('odd', [input(rel)], { imageSize: 16, decode: dec });
  return { d, dec, count: d.train.count + d.test.count };
}

const IMPORTED = [
  'astronaut.png',
  'bw_text.png',
  'checker_bilevel.png', // 1-bit
  'foo3x5x4indexed.png', // palette
  'gray16-ramp.png', // 16-bit
  'green_palette.png',
  'no_time_for_that_tiny.gif',
  'one-pixel.png',
  'palette_color.png',
  'rgba-gradient.png',
  'wide-4000x3.png',
];

const SKIPPED: [string, RegExp][] = [
  ['empty.png', /empty file/],
  ['huge-8000x8000.png', /8000x8000 .*megapixel limit; not decoded/],
  ['not-an-image.jpg', /text file, not an image/],
  ['notes.txt', /text file/],
  ['png-header-only.png', /truncated PNG/],
  ['truncated.jpg', /truncated JPEG/],
  ['chessboard_GRAY_U16.tif', /TIFF: this browser's image decoder does not support it/],
  ['multipage.tif', /TIFF: this browser's image decoder does not support it/],
  ['zips/not-a-zip.zip', /text file/],
];

describe('odd-files, one by one', () => {
  for (const name of IMPORTED) {
    it(`imports ${name}`, async () => {
      const { d, count } = await importOne(`odd-files/${name}`);
      expect(count).toBe(1);
      expect(d.skipped).toEqual([]);
      expect(d.classNames).toEqual([]); // a loose file is unlabelled
      const set = d.train.count ? d.train : d.test;
      expect(set.labels[0]).toBe(-1);
    });
  }
  for (const [name, reason] of SKIPPED) {
    it(`skips ${name} with a reason`, async () => {
      const { d, count } = await importOne(`odd-files/${name}`);
      expect(count).toBe(0);
      expect(d.skipped).toHaveLength(1);
      expect(d.skipped[0].name).toBe(name.split('/').pop());
      expect(d.skipped[0].reason).toMatch(reason);
      expect(d.skipped[0].reason).not.toContain('\n');
    });
  }
});

describe('odd-files zips', () => {
  it('refuses the 512 MiB deflate bomb from its header, without inflating', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    const { d, dec, count } = await importOne('odd-files/zips/bomb-512MiB.zip');
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
    expect(count).toBe(0);
    expect(dec.calls).toEqual([]);
    expect(d.skipped).toEqual([{ name: 'bomb-512MiB.zip: bomb/zeros.png', reason: expect.stringMatching(/512\.0 MiB .*not inflated/) }]);
  });

  it('ignores __MACOSX/, dotfiles and directory entries silently', async () => {
    const { d, dec, count } = await importOne('odd-files/zips/macos-junk.zip');
    expect(count).toBe(1);
    expect(dec.calls).toEqual(['macos-junk.zip: cats/chelsea.png']);
    expect(d.skipped).toEqual([]);
  });

  it('contains path traversal: unsafe entries skipped, no class invented', async () => {
    const { d, dec, count } = await importOne('odd-files/zips/path-traversal.zip');
    expect(count).toBe(1);
    expect(dec.calls).toEqual(['path-traversal.zip: ok/fine.png']);
    expect(d.skipped.map((s) => s.name)).toEqual(['path-traversal.zip: ../../evil/escape.png', 'path-traversal.zip: /absolute/root.png']);
    for (const s of d.skipped) expect(s.reason).toMatch(/cannot escape the dataset root/);
    for (const c of d.classNames) expect(['evil', 'absolute', '..', '']).not.toContain(c);
  });

  it('opens a zip inside a zip (one level) and labels by folders', async () => {
    const { d, dec, count } = await importOne('odd-files/zips/nested.zip');
    expect(count).toBe(2);
    expect(dec.calls.sort()).toEqual(['nested.zip: outer/b/chelsea.png', 'nested.zip: outer/inner.zip: inner/a/chelsea.png']);
    // inner.zip is mounted as folder 'inner' (its own 'inner/' wrapper folded into it), beside 'b'.
    expect(d.classNames.sort()).toEqual(['b', 'inner']);
    expect(d.skipped).toEqual([]);
  });

  it("imports a truncated zip's readable entries and reports the cut-off one", async () => {
    const { d, dec, count } = await importOne('odd-files/zips/truncated.zip');
    expect(count).toBe(1);
    expect(dec.calls).toEqual(['truncated.zip: outer/inner.zip: inner/a/chelsea.png']);
    expect(d.skipped).toHaveLength(1);
    expect(d.skipped[0].reason).toMatch(/cut off by the end of the archive/);
  });

  it('the whole odd-files folder at once: no crash, every file accounted for', async () => {
    const inputs: ImportInput[] = folderInputs('odd-files');
    const dec = fakeDecoder();
    const d = await importDataset('odd', inputs, { imageSize: 32, decode: dec });
    // 11 loose images + macos-junk 1 + nested 2 + path-traversal 1 + truncated 1.
    expect(d.train.count + d.test.count).toBe(16);
    // 9 loose skips + bomb + 2 traversal + truncated entry.
    expect(d.skipped).toHaveLength(13);
    for (const s of d.skipped) expect(s.reason.length).toBeGreaterThan(5);
  });
});
