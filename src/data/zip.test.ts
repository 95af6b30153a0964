import { describe, expect, it } from 'vitest';
import { deflateSync, zipSync, strToU8 } from 'fflate';
import { listZip, readZipEntry } from './zip';
import { readShared } from './sharedDatasets.testing';

/** A one-entry deflate zip built by hand so its headers can lie or use a data descriptor. */
function handZip(name: string, data: Uint8Array, opts: { declared?: number; descriptor?: boolean } = {}): Uint8Array {
  const comp = deflateSync(data);
  const n = strToU8(name);
  const size = opts.declared ?? data.length;
  const local = new Uint8Array(30 + n.length);
  const dv = new DataView(local.buffer);
  dv.setUint32(0, 0x04034b50, true);
  dv.setUint16(4, 20, true);
  dv.setUint16(6, opts.descriptor ? 8 : 0, true);
  dv.setUint16(8, 8, true);
  dv.setUint32(18, opts.descriptor ? 0 : comp.length, true);
  dv.setUint32(22, opts.descriptor ? 0 : size, true);
  dv.setUint16(26, n.length, true);
  local.set(n, 30);
  const desc = new Uint8Array(opts.descriptor ? 16 : 0);
  if (opts.descriptor) {
    const d = new DataView(desc.buffer);
    d.setUint32(0, 0x08074b50, true);
    d.setUint32(8, comp.length, true);
    d.setUint32(12, size, true);
  }
  // No central directory: forces the local-header walk.
  const out = new Uint8Array(local.length + comp.length + desc.length);
  out.set(local, 0);
  out.set(comp, local.length);
  out.set(desc, local.length + comp.length);
  return out;
}

describe('zip reader', () => {
  it('lists a real archive from its central directory', () => {
    const l = listZip(readShared('fashion-mnist-test-1k.zip'));
    expect(l.source).toBe('central');
    expect(l.entries).toHaveLength(1000);
    expect(l.entries[0]).toMatchObject({ name: 'fashion-mnist-test-1k/Ankle_boot/00000.png', method: 8, size: 398 });
    const png = readZipEntry(readShared('fashion-mnist-test-1k.zip'), l.entries[0]);
    expect(Array.from(png.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('reads the zip64 sizes of the bomb without inflating it', () => {
    const l = listZip(readShared('odd-files/zips/bomb-512MiB.zip'));
    expect(l.entries).toEqual([expect.objectContaining({ name: 'bomb/zeros.png', size: 512 * 1024 * 1024 })]);
  });

  it("ignores an inner zip's directory at the end of a truncated zip and walks local headers", () => {
    const l = listZip(readShared('odd-files/zips/truncated.zip'));
    expect(l.source).toBe('local');
    expect(l.entries.map((e) => [e.name, !!e.truncated])).toEqual([
      ['outer/inner.zip', false],
      ['(entry at byte 240693, name cut off)', true],
    ]);
  });

  it('throws on something that is not a zip', () => {
    expect(() => listZip(readShared('odd-files/zips/not-a-zip.zip'))).toThrow();
  });

  it('walks entries with data descriptors', () => {
    const data = strToU8('hello '.repeat(100));
    const l = listZip(handZip('a/b.txt', data, { descriptor: true }));
    expect(l.entries).toHaveLength(1);
    expect(l.entries[0]).toMatchObject({ name: 'a/b.txt', size: 600 });
    expect(readZipEntry(handZip('a/b.txt', data, { descriptor: true }), l.entries[0])).toEqual(data);
  });

  it('stops an entry that inflates past its declared size (a lying header) early', () => {
    const zip = handZip('x.png', new Uint8Array(8 * 1024 * 1024), { declared: 1000 });
    const e = listZip(zip).entries[0];
    expect(e.size).toBe(1000);
    expect(() => readZipEntry(zip, e)).toThrow(/past its declared size/);
  });

  it('round-trips fflate zips (stored and deflated)', () => {
    const zip = zipSync({ 'd/a.bin': [new Uint8Array([1, 2, 3]), { level: 0 }], 'd/b.txt': strToU8('x'.repeat(5000)) });
    const l = listZip(zip);
    expect(l.entries.map((e) => e.name)).toEqual(['d/a.bin', 'd/b.txt']);
    expect(Array.from(readZipEntry(zip, l.entries[0]))).toEqual([1, 2, 3]);
    expect(readZipEntry(zip, l.entries[1]).length).toBe(5000);
  });
});

describe('entry names', () => {
  it('reads UTF-8 names with or without the UTF-8 flag', () => {
    const zip = zipSync({ 'chats/élan.png': new Uint8Array([1]) });
    expect(listZip(zip).entries[0].name).toBe('chats/élan.png');
  });
});
