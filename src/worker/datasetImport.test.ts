import { describe, expect, it } from 'vitest';
import type { FromWorker } from '../protocol';
import { fakeDecoder } from '../data/fakeDecoder.testing';
import { readShared } from '../data/sharedDatasets.testing';
import type { ImageDecoder } from '../data/store';
import { DatasetImports } from './datasetImport';

function harness(decode: ImageDecoder = fakeDecoder(), current: { name: string; runs: number } | null = { name: 'CIFAR-10', runs: 2 }) {
  const events: { event: FromWorker; transfer?: Transferable[] }[] = [];
  const imports = new DatasetImports({ decode, emit: (event, transfer) => events.push({ event, transfer }), current: () => current });
  const ofType = <T extends FromWorker['type']>(type: T) =>
    events.map((e) => e.event).filter((e): e is Extract<FromWorker, { type: T }> => e.type === type);
  return { imports, events, ofType };
}

const fashion = () => new File([readShared('fashion-mnist-test-1k.zip').slice()], 'fashion-mnist-test-1k.zip');

describe('DatasetImports', () => {
  it('imports picked files, reports progress, and ships thumbnails as a transfer', async () => {
    const { imports, events, ofType } = harness();
    const dataset = await imports.load({ kind: 'files', files: [fashion()] }, 8);
    if (!dataset) throw new Error('the import should have finished');
    expect(dataset.train.count + dataset.test.count).toBe(1000);
    expect(dataset.name).toBe('fashion-mnist-test-1k.zip');
    expect(ofType('datasetProgress').length).toBeGreaterThan(0);
    expect(ofType('datasetStopped')).toEqual([]);
    expect(imports.busy).toBe(false);

    imports.sendThumbnails(dataset);
    const sent = events[events.length - 1];
    if (sent.event.type !== 'datasetThumbnails') throw new Error('expected thumbnails');
    expect(sent.event.thumbnails.groups).toHaveLength(10);
    expect(sent.event.thumbnails.pixels.length).toBe(10 * 4 * 8 * 8 * 3);
    expect(sent.transfer).toEqual([sent.event.thumbnails.pixels.buffer]);
  });

  it('cancel() stops a running import, resolves null and says the old data is kept', async () => {
    const inner = fakeDecoder();
    let started!: () => void;
    const firstDecode = new Promise<void>((resolve) => (started = resolve));
    const slow: ImageDecoder = async (...args) => {
      started();
      await new Promise((r) => setTimeout(r, 5));
      return inner(...args);
    };
    const { imports, ofType } = harness(slow);
    const pending = imports.load({ kind: 'files', files: [fashion()] }, 8);
    await firstDecode;
    expect(imports.busy).toBe(true);
    imports.cancel();
    expect(await pending).toBeNull();
    // Aborted between images: nowhere near all 1000 were decoded.
    expect(inner.calls.length).toBeLessThan(100);
    const [stopped] = ofType('datasetStopped');
    expect(stopped.reason).toBe('cancelled');
    expect(stopped.message).toBe('Import cancelled; the previous dataset (CIFAR-10) and its 2 runs are untouched.');
  });

  it('cancel() also cancels imports still waiting in the queue, not those that arrive after it', async () => {
    const { imports, ofType } = harness();
    imports.queued();
    imports.queued();
    imports.cancel();
    imports.queued();
    expect(await imports.load({ kind: 'files', files: [fashion()] }, 8)).toBeNull();
    expect(await imports.load({ kind: 'files', files: [fashion()] }, 8)).toBeNull();
    expect(await imports.load({ kind: 'files', files: [fashion()] }, 8)).not.toBeNull();
    expect(ofType('datasetStopped').map((e) => e.message)).toEqual([
      'Import cancelled before it started; the previous dataset (CIFAR-10) and its 2 runs are untouched.',
      'Import cancelled before it started; the previous dataset (CIFAR-10) and its 2 runs are untouched.',
    ]);
  });

  it('an import with nothing to train on fails with the first skip reasons', async () => {
    const { imports, ofType } = harness(fakeDecoder(), null);
    const files = [new File(['just text'], 'notes.txt'), new File([], 'empty.png')];
    expect(await imports.load({ kind: 'files', files }, 8)).toBeNull();
    const [stopped] = ofType('datasetStopped');
    expect(stopped.reason).toBe('failed');
    expect(stopped.message).toMatch(
      /^Import failed: notes\.txt \+ 1 more file has no image that could be imported \(2 skipped, e\.g\. notes\.txt: .+; empty\.png: .+\); no dataset is loaded yet\.$/,
    );
  });

  it('a loader error fails the import without throwing', async () => {
    const events: FromWorker[] = [];
    const imports = new DatasetImports({
      decode: fakeDecoder(),
      emit: (event) => events.push(event),
      current: () => ({ name: 'old', runs: 1 }),
      load: () => Promise.reject(new Error('disk went away')),
    });
    expect(await imports.load({ kind: 'files', files: [] }, 8)).toBeNull();
    expect(events).toEqual([
      {
        type: 'datasetStopped',
        runId: null,
        step: 0,
        reason: 'failed',
        message: 'Import failed: disk went away; the previous dataset (old) and its 1 run are untouched.',
      },
    ]);
  });
});
