import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../data/store';
import { useCpu } from '../model/model.testing';
import type { FromWorker } from '../protocol';
import { MemoryStore } from '../persist/memoryStore';
import { PersistService } from './persistService';
import { MICRO_CONFIG, fakeDataset, FAKE_BUILTIN } from '../persist/persist.testing';
import { isFiniteCheckpoint, lowerLearningRate } from './divergence';
import { installFaults } from './faultWiring';
import type { FaultReporter } from './faults';
import { isDeviceFailure } from './faults';
import { TrainingRun } from './run';
import { Scheduler } from './scheduler';

beforeAll(useCpu);

const size = MICRO_CONFIG.model.imageSize;
const DATA = fakeDataset(12);
const BUILTIN = FAKE_BUILTIN;

let faults: FaultReporter | null = null;
afterEach(() => faults?.stop());

/** The worker's wiring of scheduler, storage and faults, around an in-memory store. */
async function worker(store: MemoryStore) {
  const events: FromWorker[] = [];
  let dataset: Dataset | null = null;
  const emit = (event: FromWorker) => {
    persist.observe(event);
    events.push(event);
  };
  const scheduler = new Scheduler(emit);
  const persist: PersistService = new PersistService(
    {
      runs: scheduler.runs,
      dataset: () => dataset,
      addRun: (run) => scheduler.add(run),
      loadDataset: async (source) => {
        dataset = DATA;
        persist.datasetLoaded(DATA, source);
      },
      emit,
    },
    async () => ({ reader: store, writable: true, reason: null, notice: null }),
  );
  faults = installFaults(scheduler, persist, emit);
  await persist.handle({ type: 'restoreSession', builtin: BUILTIN, imageSize: size });
  const create = (id: string, lr: number) => {
    const run = new TrainingRun(id, { ...MICRO_CONFIG, hyper: { ...MICRO_CONFIG.hyper, lr } }, DATA.train);
    scheduler.add(run);
    emit({ type: 'runCreated', runId: id, step: 0, config: run.config });
    return run;
  };
  return { events, scheduler, persist, create };
}

async function until(condition: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('divergence', () => {
  it('pauses the diverged run, rewinds it to its last good checkpoint, and leaves the other run training', async () => {
    const store = new MemoryStore();
    const { events, scheduler, persist, create } = await worker(store);
    const bad = create('bad', 1e4);
    const good = create('good', 1e-3);
    scheduler.start('bad');
    scheduler.start('good');
    await until(() => events.some((e) => e.type === 'runRewound'), 'a rewind');
    const rewound = events.find((e): e is Extract<FromWorker, { type: 'runRewound' }> => e.type === 'runRewound');
    expect(rewound?.runId).toBe('bad');
    expect(rewound?.suggestedLr).toBe(1000);
    expect(bad.status).toBe('paused');
    // Back at a checkpoint before the divergence, with finite weights.
    expect(rewound?.step).toBeLessThan(rewound?.divergedAt ?? 0);
    expect(bad.step).toBe(rewound?.step);
    const state = await bad.exportCheckpoint();
    expect(isFiniteCheckpoint(state)).toBe(true);
    // The recorded history forgets the steps that will be trained again.
    expect(persist.recorder.history('bad').metrics.every((row) => row.step <= bad.step)).toBe(true);
    // The other run kept going.
    const goodStepAtRewind = good.step;
    expect(good.status).toBe('training');
    await until(() => good.step >= goodStepAtRewind + 2, 'the other run to go on');
    scheduler.pause('good');
    await persist.flushed();
    // Nothing stored for the diverged run holds a NaN.
    const saved = await store.loadRun('bad');
    expect(saved && isFiniteCheckpoint(saved.checkpoint)).toBe(true);
    expect(saved?.rows.every((row) => Number.isFinite(row.lossTotal))).toBe(true);
  });

  it('never stores a checkpoint whose weights are not finite, even when its step loss was finite', async () => {
    const store = new MemoryStore();
    const { persist, create } = await worker(store);
    const run = create('run-1', 1e-3);
    await persist.flushed();
    const before = store.writes;
    const state = await run.exportCheckpoint();
    state.trainer.weights[0].values[0] = Number.NaN;
    run.importCheckpoint({ ...state, trainer: { ...state.trainer, step: 7 } });
    persist.checkpoint('run-1');
    await persist.flushed();
    expect(store.writes).toBe(before);
    expect((await persist.lastGood('run-1'))?.step).toBe(0);
  });

  it('suggests a tenth of the rate, and recognises a failed GPU read only on WebGPU', () => {
    expect(lowerLearningRate(1000)).toBe(100);
    expect(lowerLearningRate(3e-3)).toBe(3e-4);
    const mapping = new Error("Failed to execute 'mapAsync' on 'GPUBuffer': Device is lost");
    expect(isDeviceFailure('webgpu', mapping)).toBe(true);
    expect(isDeviceFailure('wasm', mapping)).toBe(false);
    expect(isDeviceFailure('webgpu', new Error('weights for x are missing'))).toBe(false);
  });
});
