import { describe, expect, it } from 'vitest';
import { readShared } from '../data/sharedDatasets.testing';
import { fakeDecoder } from '../data/fakeDecoder.testing';
import type { ImageSet } from '../data/store';
import type { OodSetInfo } from '../eval/evalTypes';
import { OodProvider } from './oodProvider';

/** A shared dataset as a picked File (slice: a File needs bytes on a plain ArrayBuffer). */
function zipFile(rel: string, name: string): File {
  return new File([readShared(rel).slice()], name);
}

function provider() {
  const seen: { info: OodSetInfo; set: ImageSet | null }[] = [];
  const decode = fakeDecoder();
  return { ood: new OodProvider(decode, (info, set) => seen.push({ info, set })), seen, decode };
}

describe('OodProvider', () => {
  it('decodes imported files (a zip of class folders) into one set, once per size, and says so', async () => {
    const { ood, seen, decode } = provider();
    const file = zipFile('notmnist-test-1k.zip', 'letters.zip');
    ood.setSource({ kind: 'files', files: [file] });
    const loaded = await ood.load(8);
    expect(loaded?.name).toBe('letters.zip');
    expect(loaded?.set).toMatchObject({ size: 8, count: 1000 });
    expect(seen.map((s) => s.info.state)).toEqual(['pending', 'loading', 'ready']);
    expect(seen.at(-1)?.info).toMatchObject({ origin: 'imported', imageCount: 1000, error: null });
    expect(seen.at(-1)?.set?.count).toBe(1000);
    const calls = decode.calls.length;
    expect(await ood.load(8)).toBe(loaded);
    expect(decode.calls.length).toBe(calls);
  });

  it('a source that cannot be loaded leaves null and the reason, never a rejection', async () => {
    const { ood } = provider();
    expect(await ood.load(8)).toBeNull();
    expect(ood.current().error).toMatch(/no OOD set/);
    ood.setSource({ kind: 'files', files: [new File([new TextEncoder().encode('not an image')], 'notes.txt')] });
    expect(await ood.load(8)).toBeNull();
    expect(ood.current()).toMatchObject({ state: 'failed', imageCount: 0, error: 'no image in it could be decoded' });
  });

  it('a new source replaces the old one, and a stale load does not overwrite it', async () => {
    const { ood } = provider();
    ood.setSource({ kind: 'files', files: [zipFile('notmnist-test-1k.zip', 'a.zip')] });
    const stale = ood.load(8);
    ood.setSource({ kind: 'files', files: [zipFile('fashion-mnist-test-1k.zip', 'b.zip')] });
    expect(await stale).toBeNull();
    const fresh = await ood.load(8);
    expect(fresh?.name).toBe('b.zip');
    expect(ood.current()).toMatchObject({ name: 'b.zip', state: 'ready' });
  });
});
