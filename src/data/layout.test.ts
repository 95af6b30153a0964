// Labels and splits from folder layouts, with tiny synthetic PNGs (the fake decoder never looks inside).

import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { importDataset } from './importer';
import type { ImportInput } from './importTypes';
import { countPerClass } from './store';
import { callIdOf, fakeDecoder } from './fakeDecoder.testing';
import { pngOfSize } from './sharedDatasets.testing';

const png = pngOfSize(4, 4);
const files = (...paths: string[]): ImportInput[] => paths.map((path) => ({ path, bytes: png }));
const opts = () => ({ imageSize: 4, decode: fakeDecoder() });

function namesOf(set: { pixels: Uint8Array; count: number; size: number }, calls: string[]): string[] {
  return Array.from({ length: set.count }, (_, i) => calls[callIdOf(set.pixels, i, set.size)]);
}

describe('labels from folders', () => {
  it('first folder under the root is the class; a single wrapper folder is skipped', async () => {
    const d = await importDataset('x', files('pets/dog/1.png', 'pets/cat/1.png', 'pets/dog/2.png', 'pets/cat/sub/3.png'), opts());
    expect(d.classNames).toEqual(['dog', 'cat']); // order of appearance, not alphabetical
    expect(countPerClass(d.train, 2).map((n, i) => n + countPerClass(d.test, 2)[i])).toEqual([2, 2]);
  });

  it('keeps a non-alphabetical folder order from a zip (Fashion-MNIST label order)', async () => {
    const order = ['T-shirt_top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle_boot'];
    const entries: Record<string, Uint8Array> = {};
    for (const c of order) for (let i = 0; i < 3; i++) entries[`fashion/${c}/${i}.png`] = png;
    const d = await importDataset('f', [{ path: 'fashion.zip', bytes: zipSync(entries) }], opts());
    expect(d.classNames).toEqual(order);
  });

  it('loose images form an unlabelled dataset; a lone folder is only a wrapper', async () => {
    for (const paths of [
      ['a.png', 'b.png', 'c.png'],
      ['holiday/a.png', 'holiday/b.png'],
    ]) {
      const d = await importDataset('x', files(...paths), opts());
      expect(d.classNames).toEqual([]);
      expect([...d.train.labels, ...d.test.labels].every((l) => l === -1)).toBe(true);
    }
  });

  it('loose images beside class folders are unlabelled (-1)', async () => {
    const d = await importDataset('x', files('a/1.png', 'b/1.png', 'stray.png'), { ...opts(), testFraction: 0 });
    expect(d.classNames).toEqual(['a', 'b']);
    expect(Array.from(d.train.labels)).toEqual([0, 1, -1]);
  });

  it('two zips dropped together become two classes (a zip is a folder named after it)', async () => {
    const cats = zipSync({ 'c1.png': png, 'c2.png': png });
    const dogs = zipSync({ 'dogs/d1.png': png });
    const d = await importDataset(
      'x',
      [
        { path: 'cats.zip', bytes: cats },
        { path: 'dogs.zip', bytes: dogs },
      ],
      opts(),
    );
    expect(d.classNames).toEqual(['cats', 'dogs']);
  });
});

describe('splits', () => {
  it('uses train/ + test/ folders as the split (any case, under a wrapper)', async () => {
    const dec = fakeDecoder();
    const d = await importDataset(
      'x',
      files(
        'mnist/Train/3/a.png',
        'mnist/Train/3/b.png',
        'mnist/Train/7/c.png',
        'mnist/Test/7/d.png',
        'mnist/Test/3/e.png',
        'mnist/README.png',
      ),
      { imageSize: 4, decode: dec },
    );
    expect(d.classNames).toEqual(['3', '7']);
    expect(namesOf(d.train, dec.calls).sort()).toEqual(['mnist/Train/3/a.png', 'mnist/Train/3/b.png', 'mnist/Train/7/c.png']);
    expect(namesOf(d.test, dec.calls).sort()).toEqual(['mnist/Test/3/e.png', 'mnist/Test/7/d.png']);
    expect(Array.from(d.test.labels)).toEqual(namesOf(d.test, dec.calls).map((n) => d.classNames.indexOf(n.split('/')[2])));
    expect(d.skipped).toEqual([{ name: 'mnist/README.png', reason: expect.stringMatching(/outside the Train\/ and Test\//) }]);
  });

  it('otherwise holds out a seeded, stratified 10%', async () => {
    const paths: string[] = [];
    for (const c of ['a', 'b', 'c']) for (let i = 0; i < 40; i++) paths.push(`${c}/${i}.png`);
    const run = async (seed: number) => {
      const dec = fakeDecoder();
      const d = await importDataset('x', files(...paths), { imageSize: 4, decode: dec, seed });
      return { d, test: namesOf(d.test, dec.calls) };
    };
    const a = await run(1);
    expect(countPerClass(a.d.test, 3)).toEqual([4, 4, 4]);
    expect(countPerClass(a.d.train, 3)).toEqual([36, 36, 36]);
    expect((await run(1)).test).toEqual(a.test);
    expect((await run(2)).test).not.toEqual(a.test);
  });
});
