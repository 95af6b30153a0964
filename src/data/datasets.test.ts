// The importer against the real shared datasets: exact counts, classes and labels.

import { describe, expect, it } from 'vitest';
import { listZip } from './zip';
import { importDataset, importSplitZips } from './importer';
import { countPerClass, summarize, type Dataset, type ImageSet } from './store';
import { callIdOf, fakeDecoder, type FakeDecoder } from './fakeDecoder.testing';
import { input, readShared } from './sharedDatasets.testing';
import { gunzipSync } from 'fflate';

const CIFAR10 = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Every stored image's label must be the class folder of the file it was decoded from. */
function expectFolderLabels(d: Dataset, set: ImageSet, dec: FakeDecoder): void {
  for (let i = 0; i < set.count; i++) {
    const name = dec.calls[callIdOf(set.pixels, i, set.size)];
    const folder = name.split('/').at(-2);
    expect(d.classNames[set.labels[i]]).toBe(folder);
  }
}

describe('zip datasets', () => {
  it('cifar10-train-5k.zip: 5000 images, 10 classes of 500, labels from folders', async () => {
    const dec = fakeDecoder();
    const d = await importDataset('c', [input('cifar10-train-5k.zip')], { imageSize: 32, decode: dec });
    expect(d.classNames).toEqual(CIFAR10);
    expect(d.train.count + d.test.count).toBe(5000);
    expect(d.skipped).toEqual([]);
    // Stratified 90/10 split.
    expect(countPerClass(d.train, 10)).toEqual(new Array(10).fill(450));
    expect(countPerClass(d.test, 10)).toEqual(new Array(10).fill(50));
    expectFolderLabels(d, d.train, dec);
    expectFolderLabels(d, d.test, dec);
    expect(d.train.pixels.length).toBe(4500 * 32 * 32 * 3);
  });

  it('cifar10-test-1k.zip: 1000 images, 100 per class', async () => {
    const d = await importDataset('c', [input('cifar10-test-1k.zip')], { imageSize: 32, decode: fakeDecoder() });
    expect(d.classNames).toEqual(CIFAR10);
    const per = countPerClass(d.train, 10).map((n, i) => n + countPerClass(d.test, 10)[i]);
    expect(per).toEqual(new Array(10).fill(100));
  });

  it('importSplitZips keeps the given train/test split (built-in dataset)', async () => {
    const dec = fakeDecoder();
    const d = await importSplitZips('builtin', readShared('cifar10-train-5k.zip'), readShared('cifar10-test-1k.zip'), {
      imageSize: 16,
      decode: dec,
    });
    const s = summarize(d);
    expect(s).toMatchObject({
      trainCount: 5000,
      testCount: 1000,
      imageSize: 16,
      classNames: CIFAR10,
      trainPerClass: new Array(10).fill(500),
    });
    expect(countPerClass(d.test, 10)).toEqual(new Array(10).fill(100));
    expectFolderLabels(d, d.train, dec);
    expectFolderLabels(d, d.test, dec);
  });

  it('fashion-mnist-test-1k.zip: classes in the archive order, labels from folders', async () => {
    const dec = fakeDecoder();
    const bytes = readShared('fashion-mnist-test-1k.zip');
    const d = await importDataset('f', [{ path: 'fashion-mnist-test-1k.zip', bytes }], { imageSize: 28, decode: dec });
    // The archive carries no numeric labels; its only order is the order of its entries, which is kept.
    const order: string[] = [];
    for (const e of listZip(bytes).entries) {
      const c = e.name.split('/')[1];
      if (!order.includes(c)) order.push(c);
    }
    expect(d.classNames).toEqual(order);
    expect(d.classNames).toHaveLength(10);
    expect(d.train.count + d.test.count).toBe(1000);
    expect(countPerClass(d.train, 10)).toEqual(new Array(10).fill(90));
    expectFolderLabels(d, d.train, dec);
  });

  it('notmnist-test-1k.zip: letters A-J, 100 each', async () => {
    const d = await importDataset('n', [input('notmnist-test-1k.zip')], { imageSize: 28, decode: fakeDecoder() });
    expect(d.classNames).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J']);
    expect(d.train.count + d.test.count).toBe(1000);
    expect(countPerClass(d.test, 10)).toEqual(new Array(10).fill(10));
  });
});

describe('CIFAR binary', () => {
  it('200 records, record k has class k mod 10, names from batches.meta.txt', async () => {
    const bin = readShared('cifar10-bin/test_batch_200.bin');
    const dec = fakeDecoder();
    const d = await importDataset('b', [input('cifar10-bin/test_batch_200.bin'), input('cifar10-bin/batches.meta.txt')], {
      imageSize: 32,
      decode: dec,
    });
    expect(dec.calls).toEqual([]);
    expect(d.skipped).toEqual([]);
    expect(d.classNames).toEqual(CIFAR10);
    expect(d.train.count + d.test.count).toBe(200);
    // Find each stored image's record by its pixels (planar R,G,B -> interleaved RGB at S=32).
    const key = (px: Uint8Array) => Array.from(px.subarray(0, 48)).join(',');
    const recordOf = new Map<string, number>();
    for (let k = 0; k < 200; k++) {
      const o = k * 3073 + 1;
      const rgb = new Uint8Array(48);
      for (let p = 0; p < 16; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = bin[o + c * 1024 + p];
      recordOf.set(key(rgb), k);
    }
    for (const set of [d.train, d.test]) {
      for (let i = 0; i < set.count; i++) {
        const k = recordOf.get(key(set.pixels.subarray(i * 3072, (i + 1) * 3072)));
        expect(k).toBeDefined();
        expect(set.labels[i]).toBe(k! % 10);
      }
    }
    expect(countPerClass(d.test, 10)).toEqual(new Array(10).fill(2));
  });

  it('without the meta file, classes are numbered', async () => {
    const d = await importDataset('b', [input('cifar10-bin/test_batch_200.bin')], { imageSize: 8, decode: fakeDecoder() });
    expect(d.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });
});

describe('MNIST IDX', () => {
  const inputs = () => [input('mnist-idx/t10k-labels-idx1-ubyte.gz'), input('mnist-idx/t10k-images-idx3-ubyte.gz')];

  it('t10k gz pair: 10000 images, known label histogram', async () => {
    const d = await importDataset('m', inputs(), { imageSize: 32, decode: fakeDecoder() });
    expect(d.skipped).toEqual([]);
    expect(d.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(d.train.count + d.test.count).toBe(10000);
    const hist = countPerClass(d.train, 10).map((n, i) => n + countPerClass(d.test, 10)[i]);
    expect(hist).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('labels and pixels are the records in file order (S=28, no hold-out)', async () => {
    const d = await importDataset('m', inputs(), { imageSize: 28, decode: fakeDecoder(), testFraction: 0 });
    const labels = gunzipSync(readShared('mnist-idx/t10k-labels-idx1-ubyte.gz'));
    const images = gunzipSync(readShared('mnist-idx/t10k-images-idx3-ubyte.gz'));
    expect(Array.from(d.train.labels)).toEqual(Array.from(labels.subarray(8)));
    for (const i of [0, 1, 9999]) {
      for (let p = 0; p < 784; p += 13) {
        const g = images[16 + i * 784 + p];
        expect(Array.from(d.train.pixels.subarray((i * 784 + p) * 3, (i * 784 + p) * 3 + 3))).toEqual([g, g, g]);
      }
    }
  });

  it('raw (not gzipped) IDX files pair by name too', async () => {
    const d = await importDataset(
      'm',
      [
        { path: 'mnist/t10k-images-idx3-ubyte', bytes: gunzipSync(readShared('mnist-idx/t10k-images-idx3-ubyte.gz')) },
        { path: 'mnist/t10k-labels-idx1-ubyte', bytes: gunzipSync(readShared('mnist-idx/t10k-labels-idx1-ubyte.gz')) },
      ],
      { imageSize: 16, decode: fakeDecoder() },
    );
    expect(d.train.count + d.test.count).toBe(10000);
    expect(d.classNames).toHaveLength(10);
  });
});
