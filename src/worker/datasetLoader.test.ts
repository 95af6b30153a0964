import { describe, expect, it } from 'vitest';
import { datasetName, fileInputs } from './datasetLoader';

/** A File that counts how often its bytes are read. */
class CountingFile extends File {
  reads = 0;
  override async arrayBuffer(): Promise<ArrayBuffer> {
    this.reads++;
    return super.arrayBuffer();
  }
}

describe('fileInputs', () => {
  it('reads no file until the importer asks for it, then just that one', async () => {
    const files = [new CountingFile([new Uint8Array([1, 2])], 'a.png'), new CountingFile([new Uint8Array([3])], 'b.png')];
    const inputs = fileInputs(files);
    expect(files.map((f) => f.reads)).toEqual([0, 0]);
    const load = inputs[1].bytes;
    if (typeof load !== 'function') throw new Error('expected a lazy loader');
    expect(Array.from(await load())).toEqual([3]);
    expect(files.map((f) => f.reads)).toEqual([0, 1]);
  });

  it("uses a dropped folder's entry path over the file's bare name", () => {
    const files = [new File([], 'one.png'), new File([], 'two.png')];
    expect(fileInputs(files, ['pets/cats/one.png', '']).map((i) => i.path)).toEqual(['pets/cats/one.png', 'two.png']);
  });
});

describe('datasetName', () => {
  it('names a single file by its base name', () => {
    expect(datasetName(['fashion-mnist-test-1k.zip'])).toBe('fashion-mnist-test-1k.zip');
  });

  it('names a picked folder by the folder', () => {
    expect(datasetName(['pets/cats/1.png', 'pets/dogs/2.png'])).toBe('pets');
  });

  it('names loose files by the first and a count', () => {
    expect(datasetName(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'])).toBe('t10k-images-idx3-ubyte.gz + 1 more file');
    expect(datasetName(['a/x.png', 'b/y.png', 'c.png'])).toBe('x.png + 2 more files');
  });
});
