import { describe, expect, it } from 'vitest';
import { strToU8, unzipSync } from 'fflate';
import { readImageHeader } from './imageHeader';
import { importDataset } from './importer';
import { sniff } from './sniff';
import { fakeDecoder } from './fakeDecoder.testing';
import { pngOfSize, readShared } from './sharedDatasets.testing';

describe('sniffing', () => {
  it('trusts bytes, not extensions', () => {
    expect(sniff(readShared('odd-files/not-an-image.jpg'))).toBe('text');
    expect(sniff(readShared('odd-files/astronaut.png'))).toBe('png');
    expect(sniff(readShared('odd-files/no_time_for_that_tiny.gif'))).toBe('gif');
    expect(sniff(readShared('odd-files/multipage.tif'))).toBe('tiff');
    expect(sniff(readShared('odd-files/zips/nested.zip'))).toBe('zip');
    expect(sniff(readShared('mnist-idx/t10k-labels-idx1-ubyte.gz'))).toBe('gzip');
    expect(sniff(new Uint8Array(0))).toBe('empty');
    expect(sniff(strToU8('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBe('svg');
    expect(sniff(strToU8('  <!DOCTYPE html><html><body>hi</body></html>'))).toBe('html');
    expect(sniff(strToU8('%PDF-1.7 ...'))).toBe('pdf');
  });

  it('SVG and HTML files are skipped with a reason', async () => {
    const d = await importDataset(
      'x',
      [
        { path: 'a.svg', bytes: strToU8('<svg xmlns="http://www.w3.org/2000/svg"/>') },
        { path: 'b.png', bytes: strToU8('<!doctype html><p>not a png</p>') },
      ],
      { imageSize: 8, decode: fakeDecoder() },
    );
    expect(d.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/SVG/), expect.stringMatching(/HTML/)]);
  });
});

describe('image headers', () => {
  it('read sizes of real files', () => {
    const cifar = unzipSync(readShared('cifar10-test-1k.zip'), { filter: (f) => f.name.endsWith('0000.jpg') });
    const jpg = Object.values(cifar)[0];
    expect(readImageHeader(jpg, 'jpeg')).toEqual({ ok: true, width: 32, height: 32 });
    expect(readImageHeader(readShared('odd-files/wide-4000x3.png'), 'png')).toEqual({ ok: true, width: 4000, height: 3 });
    expect(readImageHeader(readShared('odd-files/no_time_for_that_tiny.gif'), 'gif')).toEqual({ ok: true, width: 14, height: 25 });
    expect(readImageHeader(readShared('odd-files/truncated.jpg'), 'jpeg')).toMatchObject({ ok: false });
  });

  it('read WebP (VP8, VP8L, VP8X) and BMP sizes', () => {
    const riff = (chunk: string, body: number[]) => {
      const b = new Uint8Array(40);
      b.set(strToU8('RIFF'), 0);
      new DataView(b.buffer).setUint32(4, 32, true);
      b.set(strToU8('WEBP'), 8);
      b.set(strToU8(chunk), 12);
      b.set(body, 20);
      return b;
    };
    expect(readImageHeader(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, 100, 0, 50, 0]), 'webp')).toEqual({ ok: true, width: 100, height: 50 });
    // VP8L: 14 bits width-1, 14 bits height-1.
    const bits = (300 - 1) | ((200 - 1) << 14);
    expect(readImageHeader(riff('VP8L', [0x2f, bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, (bits >>> 24) & 255]), 'webp')).toEqual({
      ok: true,
      width: 300,
      height: 200,
    });
    expect(readImageHeader(riff('VP8X', [0, 0, 0, 0, 0x3f, 0x9c, 0, 0x3f, 0x9c, 0]), 'webp')).toEqual({
      ok: true,
      width: 40000,
      height: 40000,
    });
    const bmp = new Uint8Array(64);
    const dv = new DataView(bmp.buffer);
    bmp.set([0x42, 0x4d]);
    dv.setUint32(10, 54, true);
    dv.setUint32(14, 40, true);
    dv.setInt32(18, 640, true);
    dv.setInt32(22, -480, true);
    expect(sniff(bmp)).toBe('bmp');
    expect(readImageHeader(bmp, 'bmp')).toEqual({ ok: true, width: 640, height: 480 });
  });

  it('refuses a declared 50000x50000 PNG before decoding', async () => {
    const dec = fakeDecoder();
    const d = await importDataset(
      'x',
      [
        { path: 'big.png', bytes: pngOfSize(50000, 50000) },
        { path: 'ok.png', bytes: pngOfSize(64, 64) },
      ],
      {
        imageSize: 8,
        decode: dec,
      },
    );
    expect(dec.calls).toEqual(['ok.png']);
    expect(d.skipped).toEqual([{ name: 'big.png', reason: expect.stringMatching(/50000x50000 .*megapixel limit/) }]);
  });
});
