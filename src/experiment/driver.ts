// Drives the app's own training worker through protocol.ts for the headless experiment: the same
// worker, data, model, scheduler and evaluation suite as the app, with no UI in between. Runs are
// created with the same seed (same initial weights, same batches) and stepped in lockstep with
// 'step' messages, so each takes exactly the requested number of steps and they differ only in their
// loss weights; then every run is evaluated on the same seeded subsets.

import { presetConfig } from '../config';
import { BUILTIN_OOD } from '../app/eval/evalActions';
import type { FromWorker, ToWorker } from '../protocol';
import { presetHyper, RUN_PRESETS } from '../runPresets';
import type { ExperimentRequest, ExperimentResult, ExperimentRow, TrainingTail } from './types';

const BUILTIN_DATASET = {
  kind: 'url' as const,
  name: 'CIFAR-10 (5,000 train / 1,000 test)',
  trainUrl: `${import.meta.env.BASE_URL}datasets/cifar10-train-5k.zip`,
  testUrl: `${import.meta.env.BASE_URL}datasets/cifar10-test-1k.zip`,
};

/** Training figures are averaged over this many final steps. */
const TAIL_STEPS = 20;

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

function mean(values: number[]): number {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : Number.NaN;
}

export async function runExperiment(request: ExperimentRequest, log: (line: string) => void): Promise<ExperimentResult> {
  const startedAt = new Date().toISOString();
  const history = new Map<string, TrainingTail[]>();
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
    if (e.type === 'evalProgress' && e.runId && e.phase !== 'queued' && e.done === e.total) log(`${e.runId}: ${e.phase} done`);
  });
  try {
    connection.post({ type: 'init', backend: request.backend });
    const ready = await connection.next((e) => e.type === 'ready');
    if (ready.type !== 'ready') throw new Error('unreachable');
    log(`backend ${ready.backend}: ${ready.reason}`);

    const base = presetConfig(request.preset, request.seed);
    connection.post({ type: 'loadDataset', source: BUILTIN_DATASET, imageSize: base.model.imageSize });
    const loaded = await connection.next((e) => e.type === 'datasetReady');
    if (loaded.type !== 'datasetReady') throw new Error('unreachable');
    const summary = loaded.summary;
    log(`dataset ${summary.name}: ${summary.trainCount} train / ${summary.testCount} test at ${summary.imageSize}px`);
    connection.post({ type: 'setOodSource', source: BUILTIN_OOD });
    connection.post({ type: 'setEvalSettings', settings: request.eval });
    const settings = await connection.next((e) => e.type === 'evalSettings');
    if (settings.type === 'evalSettings') log(`eval settings ${JSON.stringify(settings.settings)}`);

    const runs = request.weightings.map((weighting) => ({
      runId: `run-${weighting}`,
      weighting,
      hyper: presetHyper(base.hyper, weighting),
    }));
    for (const run of runs) {
      history.set(run.runId, []);
      connection.post({ type: 'createRun', runId: run.runId, config: { ...base, hyper: run.hyper } });
      await connection.next((e) => e.type === 'runCreated' && e.runId === run.runId);
    }

    const trainStart = performance.now();
    for (let step = 1; step <= request.steps; step++) {
      const done = runs.map((run) => connection.next((e) => e.type === 'metrics' && e.runId === run.runId && e.step === step));
      for (const run of runs) connection.post({ type: 'step', runId: run.runId });
      await Promise.all(done);
      if (step % 10 === 0 || step === request.steps) {
        const parts = runs.map((run) => {
          const last = history.get(run.runId)?.at(-1);
          return `${run.weighting} bpd ${last?.bitsPerDim.toFixed(3)} Lcon ${last?.lossCon.toFixed(3)}`;
        });
        log(`step ${step}/${request.steps} (${((performance.now() - trainStart) / 1000).toFixed(0)} s): ${parts.join(' | ')}`);
      }
    }
    const trainingSeconds = (performance.now() - trainStart) / 1000;

    const evalStart = performance.now();
    const results = runs.map((run) =>
      connection.next((e) => (e.type === 'evalResult' || e.type === 'evalStopped') && e.runId === run.runId),
    );
    connection.post({ type: 'runEval', runIds: runs.map((r) => r.runId) });
    const rows: ExperimentRow[] = [];
    for (const [i, pending] of results.entries()) {
      const event = await pending;
      if (event.type !== 'evalResult') throw new Error(event.type === 'evalStopped' ? event.message : 'unexpected event');
      const run = runs[i];
      const tail = (history.get(run.runId) ?? []).slice(-TAIL_STEPS);
      rows.push({
        runId: run.runId,
        weighting: run.weighting,
        lambdaCon: RUN_PRESETS[run.weighting].lambdaCon,
        lambdaGen: RUN_PRESETS[run.weighting].lambdaGen,
        steps: event.step,
        training: {
          steps: tail.length,
          lossTotal: mean(tail.map((t) => t.lossTotal)),
          lossCon: mean(tail.map((t) => t.lossCon)),
          bitsPerDim: mean(tail.map((t) => t.bitsPerDim)),
          conTop1: mean(tail.map((t) => t.conTop1)),
          msPerStep: mean(tail.map((t) => t.msPerStep)),
        },
        results: event.results,
      });
      log(`${run.runId} evaluated in ${event.results.seconds.toFixed(1)} s`);
    }
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
      rows,
      trainingSeconds,
      evalSeconds: (performance.now() - evalStart) / 1000,
      startedAt,
    };
  } finally {
    connection.close();
  }
}
