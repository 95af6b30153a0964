import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../model/model.testing';
import type { FromWorker } from '../protocol';
import { DEFAULT_UMAP_PARAMS, DEFAULT_VIEW_SETTINGS } from '../viewTypes';
import { deviceLock } from './deviceLock';
import { TrainingRun } from './run';
import { ViewService } from './views';
import { microRunConfig, randomImageSet } from './views.testing';

beforeAll(useCpu);

interface Posted {
  event: FromWorker;
  transfer: Transferable[];
}

function setup() {
  const posted: Posted[] = [];
  const run = new TrainingRun('run-1', microRunConfig(), randomImageSet(16, 8, 1));
  const views = new ViewService({
    run: (id) => (id === run.id ? run : undefined),
    post: (event, transfer) => posted.push({ event, transfer }),
  });
  const test = randomImageSet(40, 8, 2, 4);
  const of = <T extends FromWorker['type']>(type: T) =>
    posted.filter((p) => p.event.type === type) as (Posted & { event: Extract<FromWorker, { type: T }> })[];
  /** Resolves once every queued view job has run (jobs queue on the device lock). */
  const settle = async () => {
    for (let i = 0; i < 5; i++) await deviceLock.run(async () => undefined);
  };
  return { posted, run, views, test, of, settle };
}

describe('ViewService', () => {
  const ctx = setup();
  afterAll(() => ctx.run.dispose());

  it('sends the probe set once, then an embedding and samples for the followed run, all transferred', async () => {
    const { views, test, of, settle } = ctx;
    views.setDataset(test, ['a', 'b', 'c', 'd']);
    const probe = of('probeSet');
    expect(probe).toHaveLength(1);
    expect(probe[0].event.probe.count).toBe(40);
    expect(probe[0].event.probe.oodCount).toBe(0);
    expect(probe[0].event.probe.oodNote).toMatch(/no OOD overlay/i);
    expect(probe[0].transfer).toContain(probe[0].event.probe.pixels.buffer);

    views.configure('run-1', { ...DEFAULT_VIEW_SETTINGS, unconditional: 2, completions: 2, embeddingEvery: 2, samplesEvery: 3 });
    await settle();
    const [embedding] = of('embedding');
    expect(embedding.event.runId).toBe('run-1');
    expect(embedding.event.frame.method).toBe('pca');
    expect(embedding.event.frame.coords.length).toBe(80);
    expect(embedding.event.frame.coords.every(Number.isFinite)).toBe(true);
    expect(embedding.transfer).toContain(embedding.event.frame.coords.buffer);
    const [samples] = of('samples');
    expect(samples.event.grid.unconditionalCount + samples.event.grid.completionCount).toBe(4);
    expect(samples.transfer).toContain(samples.event.grid.unconditional.buffer);
  });

  it('refreshes every K steps of the followed run only', async () => {
    const { views, run, of, settle } = ctx;
    const [e0, s0] = [of('embedding').length, of('samples').length];
    for (let i = 0; i < 6; i++) {
      await deviceLock.run(() => run.trainOneStep());
      views.afterStep(run);
    }
    await settle();
    expect(of('embedding').length - e0).toBe(3); // steps 2, 4, 6
    expect(of('samples').length - s0).toBe(2); // steps 3, 6
    expect(of('embedding').at(-1)?.event.step).toBe(6);
    views.afterStep({ ...run, id: 'run-9', step: 6, config: run.config, trainer: run.trainer });
    await settle();
    expect(of('embedding').length - e0).toBe(3);
  });

  it('keeps the PCA axes pointing the same way between frames', async () => {
    const { views, of, settle } = ctx;
    views.request('embedding');
    await settle();
    views.request('embedding');
    await settle();
    const frames = of('embedding')
      .slice(-2)
      .map((p) => p.event.frame.coords);
    // Same model, same images: the second frame must not be a mirror image of the first.
    let dot0 = 0;
    let dot1 = 0;
    for (let i = 0; i < frames[0].length / 2; i++) {
      dot0 += frames[0][2 * i] * frames[1][2 * i];
      dot1 += frames[0][2 * i + 1] * frames[1][2 * i + 1];
    }
    expect(dot0).toBeGreaterThan(0);
    expect(dot1).toBeGreaterThan(0);
  });

  it('runs UMAP on demand with progress, and a cancel stops it', async () => {
    const { views, of } = ctx;
    views.startUmap('run-1', { ...DEFAULT_UMAP_PARAMS, nNeighbors: 5, epochs: 30 });
    await expect.poll(() => of('umapProgress').some((p) => p.event.state === 'done'), { timeout: 20_000 }).toBe(true);
    const umap = of('embedding').filter((p) => p.event.frame.method === 'umap');
    expect(umap).toHaveLength(1);
    expect(umap[0].event.frame.coords.length).toBe(80);
    expect(of('umapProgress').some((p) => p.event.state === 'running' && p.event.total === 30)).toBe(true);

    views.startUmap('run-1', { ...DEFAULT_UMAP_PARAMS, nNeighbors: 5, epochs: 5000 });
    await expect.poll(() => of('umapProgress').filter((p) => p.event.state === 'running').length, { timeout: 20_000 }).toBeGreaterThan(3);
    views.cancelUmap();
    await expect.poll(() => of('umapProgress').at(-1)?.event.state, { timeout: 20_000 }).toBe('cancelled');
    expect(of('embedding').filter((p) => p.event.frame.method === 'umap')).toHaveLength(1);
  });
});
