// Drives the app's own training worker through protocol.ts for the headless experiment: the same
// worker, importer, data, model, scheduler, evaluation suite and baselines as the app, with no UI in
// between. For each seed the runs are created with that seed (same initial weights, same batches) and
// stepped in lockstep with 'step' messages, so each takes exactly the requested number of steps and
// they differ only in their loss weights; every run is evaluated on the same seeded subsets every
// `evalEvery` steps and at the end, and the worker evaluates the baselines with the first of them.

import type { DatasetSource, OodSource } from '../data/datasetTypes';
import { presetConfig } from '../config';
import { untrainedBaselineId, PIXELS_BASELINE_ID } from '../eval/baselines';
import type { BaselineRecord, EvalResults } from '../eval/evalTypes';
import type { FromWorker, ToWorker } from '../protocol';
import { presetHyper, RUN_PRESETS } from '../runPresets';
import { bucketCurve, tailOf } from './curves';
import type { ExperimentRequest, ExperimentResult, ExperimentRow, SeedResult, TrainingTail } from './types';

/** A progress line every this many steps. */
const LOG_EVERY = 50;

type Waiter = { match: (e: FromWorker) => boolean; resolve: (e: FromWorker) => void; reject: (error: Error) => void };

/** The worker plus "wait for the next event like this"; any error event fails every waiter. */
class Connection {
  private readonly worker: Worker;
  private waiters: Waiter[] = [];

  constructor(private readonly onEvent: (e: FromWorker) => void) {
    this.worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'experiment-trainer' });
    this.worker.onmessage = (message: MessageEvent<FromWorker>) => this.receive(message.data);
    this.worker.onerror = (event) => this.failAll(new Error(`the training worker failed: ${event.message}`));
  }

  post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  next(match: (e: FromWorker) => boolean): Promise<FromWorker> {
    return new Promise((resolve, reject) => this.waiters.push({ match, resolve, reject }));
  }

  close(): void {
    this.worker.terminate();
  }

  private receive(event: FromWorker): void {
    this.onEvent(event);
    if (event.type === 'error') {
      this.failAll(new Error(event.message));
      return;
    }
    const matched = this.waiters.filter((w) => w.match(event));
    this.waiters = this.waiters.filter((w) => !matched.includes(w));
    for (const w of matched) w.resolve(event);
  }

  private failAll(error: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(error);
  }
}

/** Where the experiment's data comes from: the built-in sets or the person's files. */
export interface ExperimentSources {
  dataset: DatasetSource;
  ood: OodSource;
  oodName: string;
}

export async function runExperiment(
  request: ExperimentRequest,
  sources: ExperimentSources,
  log: (line: string) => void,
): Promise<ExperimentResult> {
  const startedAt = new Date().toISOString();
  const history = new Map<string, TrainingTail[]>();
  let baselines: BaselineRecord[] = [];
  const connection = new Connection((e) => {
    if (e.type === 'metrics' && e.runId) {
      const m = e.metrics;
      history.get(e.runId)?.push({
        steps: e.step,
        lossTotal: m.lossTotal,
        lossCon: m.lossCon,
        bitsPerDim: m.bitsPerDim,
        conTop1: m.conTop1,
        msPerStep: m.msPerStep,
      });
    }
    if (e.type === 'evalBaselines') baselines = e.baselines;
    if (e.type === 'evalProgress' && e.runId && e.phase !== 'queued' && e.done === e.total) log(`${e.runId}: ${e.phase} done`);
  });
  try {
    connection.post({ type: 'init', backend: request.backend });
    const ready = await connection.next((e) => e.type === 'ready');
    if (ready.type !== 'ready') throw new Error('unreachable');
    log(`backend ${ready.backend}: ${ready.reason}`);

    const imageSize = presetConfig(request.preset).model.imageSize;
    connection.post({ type: 'loadDataset', source: sources.dataset, imageSize });
    const loaded = await connection.next((e) => e.type === 'datasetReady' || e.type === 'datasetStopped');
    if (loaded.type === 'datasetStopped') throw new Error(loaded.message);
    if (loaded.type !== 'datasetReady') throw new Error('unreachable');
    const summary = loaded.summary;
    log(
      `dataset ${summary.name}: ${summary.trainCount} train / ${summary.testCount} test at ${summary.imageSize}px, ${summary.classNames.length} classes, ${summary.skipped.length} files skipped`,
    );
    connection.post({ type: 'setOodSource', source: sources.ood });
    connection.post({ type: 'setEvalSettings', settings: { ...request.eval, autoEvery: 0 } });
    const settings = await connection.next((e) => e.type === 'evalSettings');
    if (settings.type === 'evalSettings') log(`eval settings ${JSON.stringify(settings.settings)}`);

    const seeds: SeedResult[] = [];
    for (const seed of request.seeds) seeds.push(await runSeed(seed));
    return {
      request,
      backend: ready.backend,
      backendReason: ready.reason,
      dataset: {
        name: summary.name,
        train: summary.trainCount,
        test: summary.testCount,
        imageSize: summary.imageSize,
        classes: summary.classNames.length,
      },
      ood: sources.oodName,
      seeds,
      startedAt,
    };
  } finally {
    connection.close();
  }

  async function evaluateAll(runIds: string[]): Promise<Map<string, { step: number; results: EvalResults }>> {
    const pending = runIds.map((runId) =>
      connection.next((e) => (e.type === 'evalResult' || e.type === 'evalStopped') && e.runId === runId),
    );
    connection.post({ type: 'runEval', runIds });
    const out = new Map<string, { step: number; results: EvalResults }>();
    for (const [i, wait] of pending.entries()) {
      const event = await wait;
      if (event.type !== 'evalResult') throw new Error(event.type === 'evalStopped' ? event.message : 'unexpected event');
      out.set(runIds[i], { step: event.step, results: event.results });
      log(`${runIds[i]} evaluated at step ${event.step} in ${event.results.seconds.toFixed(1)} s`);
    }
    return out;
  }

  async function runSeed(seed: number): Promise<SeedResult> {
    const base = presetConfig(request.preset, seed);
    const runs = request.weightings.map((weighting) => ({
      runId: `seed${seed}-${weighting}`,
      weighting,
      hyper: presetHyper(base.hyper, weighting),
    }));
    const trajectories = new Map<string, { step: number; results: EvalResults }[]>();
    for (const run of runs) {
      history.set(run.runId, []);
      trajectories.set(run.runId, []);
      connection.post({ type: 'createRun', runId: run.runId, config: { ...base, hyper: run.hyper } });
      await connection.next((e) => e.type === 'runCreated' && e.runId === run.runId);
    }
    const runIds = runs.map((r) => r.runId);
    let trainingMs = 0;
    let evalMs = 0;
    for (let step = 1; step <= request.steps; step++) {
      const stepStart = performance.now();
      const done = runs.map((run) => connection.next((e) => e.type === 'metrics' && e.runId === run.runId && e.step === step));
      for (const run of runs) connection.post({ type: 'step', runId: run.runId });
      await Promise.all(done);
      trainingMs += performance.now() - stepStart;
      if (step % LOG_EVERY === 0 || step === request.steps) {
        const parts = runs.map((run) => {
          const last = history.get(run.runId)?.at(-1);
          return `${run.weighting} bpd ${last?.bitsPerDim.toFixed(3)} Lcon ${last?.lossCon.toFixed(3)}`;
        });
        log(`seed ${seed} step ${step}/${request.steps} (${(trainingMs / 1000).toFixed(0)} s training): ${parts.join(' | ')}`);
      }
      if (step === request.steps || (request.evalEvery > 0 && step % request.evalEvery === 0)) {
        const evalStart = performance.now();
        for (const [runId, record] of await evaluateAll(runIds)) trajectories.get(runId)?.push(record);
        evalMs += performance.now() - evalStart;
      }
    }
    const rows: ExperimentRow[] = runs.map((run) => {
      const trajectory = trajectories.get(run.runId) ?? [];
      const last = trajectory[trajectory.length - 1];
      const steps = history.get(run.runId) ?? [];
      return {
        runId: run.runId,
        weighting: run.weighting,
        lambdaCon: RUN_PRESETS[run.weighting].lambdaCon,
        lambdaGen: RUN_PRESETS[run.weighting].lambdaGen,
        steps: last.step,
        training: tailOf(steps),
        results: last.results,
        trajectory,
        curve: bucketCurve(steps),
      };
    });
    const untrainedId = untrainedBaselineId(base);
    // The untrained network first, as in the app's table.
    const seedBaselines = [untrainedId, PIXELS_BASELINE_ID].flatMap((id) => baselines.filter((b) => b.id === id));
    for (const run of runs) {
      connection.post({ type: 'deleteRun', runId: run.runId });
      history.delete(run.runId);
    }
    return { seed, rows, baselines: seedBaselines, trainingSeconds: trainingMs / 1000, evalSeconds: evalMs / 1000 };
  }
}
