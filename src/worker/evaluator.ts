// Runs the evaluation suite for training runs inside the worker.
//
// Scheduling: every evaluation is one job on the worker's device lock, the same lock every training
// step takes. So an evaluation always sees the weights of exactly one step, and training pauses while
// it runs (a few seconds on the tiny preset) instead of interleaving with it: an interleaved step
// would change the weights between the chunks of one evaluation. An automatic evaluation is queued
// from the scheduler's after-step hook, before the next step can take the lock, so "every N steps"
// means the weights of step N exactly. Requests for a run already queued or running are ignored.
// Cancel aborts the job at its next chunk or probe iteration; a queued job ends as soon as it starts.
// The first evaluation in a context (dataset, settings, OOD set) also evaluates the baselines the run
// is compared with (baselines.ts), inside the same job, before the run itself.

import type { Dataset } from '../data/store';
import { throwIfAborted } from '../eval/cancel';
import { DEFAULT_EVAL_SETTINGS, normaliseEvalSettings, type EvalSettings } from '../eval/evalTypes';
import type { FromWorker } from '../protocol';
import { Baselines } from './baselines';
import { deviceLock } from './deviceLock';
import type { OodProvider } from './oodProvider';
import type { TrainingRun } from './run';

export interface EvaluatorHost {
  run(runId: string): TrainingRun | undefined;
  dataset(): Dataset | null;
  emit(event: FromWorker): void;
}

/** The suite loads with the first evaluation, not with the worker: the first training step does not need it. */
async function loadSuite() {
  const [{ runEvalSuite }, { buildOodParts }, { chunkSizeFor }] = await Promise.all([
    import('../eval/suite'),
    import('../eval/oodSet'),
    import('../eval/modelPasses'),
  ]);
  return { runEvalSuite, buildOodParts, chunkSizeFor };
}

/** Progress events at most this often (plus the first and the last of each phase). */
const PROGRESS_INTERVAL_MS = 100;

export class Evaluator {
  private settings: EvalSettings = DEFAULT_EVAL_SETTINGS;
  /** Queued or running evaluations, by run. */
  private readonly jobs = new Map<string, AbortController>();
  private readonly baselines: Baselines;
  /** Counts datasets, so baselines of an earlier dataset are never taken for the current one's. */
  private datasetGeneration = 0;

  constructor(
    private readonly host: EvaluatorHost,
    private readonly ood: OodProvider,
  ) {
    this.baselines = new Baselines((baselines) => host.emit({ type: 'evalBaselines', runId: null, step: 0, baselines }));
  }

  setSettings(patch: Partial<EvalSettings>): void {
    const before = subsetsKey(this.settings);
    this.settings = normaliseEvalSettings(this.settings, patch);
    if (subsetsKey(this.settings) !== before) this.baselines.reset();
    this.host.emit({ type: 'evalSettings', runId: null, step: 0, settings: this.settings });
  }

  /** A new dataset: start decoding the OOD set at its size in the background. */
  setDataset(dataset: Dataset): void {
    this.datasetGeneration++;
    this.baselines.reset();
    void this.ood.load(dataset.train.size);
  }

  /** The scheduler's after-step hook: queue the automatic evaluation every N steps. */
  afterStep(run: TrainingRun): void {
    if (this.wantsStep(run.step)) this.request([run.id]);
  }

  /** Whether afterStep will evaluate right after `step` (the scheduler then settles that step first). */
  wantsStep(step: number): boolean {
    const every = this.settings.autoEvery;
    return every > 0 && step > 0 && step % every === 0;
  }

  request(runIds: readonly string[]): void {
    for (const runId of runIds) {
      const run = this.host.run(runId);
      if (!run || this.jobs.has(runId)) continue;
      const controller = new AbortController();
      this.jobs.set(runId, controller);
      this.host.emit({ type: 'evalProgress', runId, step: run.step, phase: 'queued', done: 0, total: 1 });
      void deviceLock
        .run(() => this.evaluate(runId, controller.signal))
        .finally(() => {
          if (this.jobs.get(runId) === controller) this.jobs.delete(runId);
        });
    }
  }

  /** Cancels one run's evaluation, or every queued and running one when runId is null. */
  cancel(runId: string | null): void {
    for (const [id, controller] of this.jobs) {
      if (runId === null || id === runId) controller.abort();
    }
  }

  private async evaluate(runId: string, signal: AbortSignal): Promise<void> {
    const run = this.host.run(runId);
    // Under the lock no step runs, so this is the step of every weight the evaluation reads.
    const step = run?.step ?? 0;
    const settings = this.settings;
    try {
      // A run deleted while its evaluation waited counts as a cancel: there is nothing left to report on.
      if (!run) throw new DOMException(`run ${runId} was deleted`, 'AbortError');
      throwIfAborted(signal);
      const dataset = this.host.dataset();
      if (!dataset) throw new Error('load a dataset before evaluating');
      const size = run.config.model.imageSize;
      const emitProgress = this.progressEmitter(runId, step);
      emitProgress({ phase: 'OOD set', done: 0, total: 1 });
      const natural = await this.ood.load(size);
      throwIfAborted(signal);
      const { runEvalSuite, buildOodParts, chunkSizeFor } = await loadSuite();
      const oodInfo = this.ood.current();
      const base = {
        train: dataset.train,
        test: dataset.test,
        numClasses: dataset.classNames.length,
        oodParts: buildOodParts(natural, settings, size),
        oodInfo,
        settings,
        chunkSize: chunkSizeFor((size / run.config.model.patch) ** 2 + 1),
      };
      const context = `${this.datasetGeneration}|${subsetsKey(settings)}|${oodInfo.name}|${oodInfo.state}|${oodInfo.imageCount}`;
      await this.baselines.ensure(run.config, context, (model, phase) =>
        runEvalSuite({ ...base, model }, { signal, onProgress: (p) => emitProgress({ ...p, phase: `${phase}: ${p.phase}` }) }),
      );
      const results = await runEvalSuite({ ...base, model: run.trainer }, { signal, onProgress: emitProgress });
      this.host.emit({ type: 'evalResult', runId, step, results });
    } catch (error) {
      const cancelled = signal.aborted || (error instanceof DOMException && error.name === 'AbortError');
      const message = cancelled
        ? `Evaluation of ${runId} cancelled`
        : `Evaluation of ${runId} failed: ${error instanceof Error ? error.message : String(error)}`;
      this.host.emit({ type: 'evalStopped', runId, step, reason: cancelled ? 'cancelled' : 'failed', message });
    }
  }

  private progressEmitter(runId: string, step: number): (p: { phase: string; done: number; total: number }) => void {
    let last = 0;
    let lastPhase = '';
    return (p) => {
      const now = performance.now();
      if (p.phase === lastPhase && p.done < p.total && now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      lastPhase = p.phase;
      this.host.emit({ type: 'evalProgress', runId, step, ...p });
    };
  }
}

/** The settings that decide which images an evaluation sees (everything but when it runs). */
function subsetsKey(settings: EvalSettings): string {
  const { trainSubset, testSubset, oodSubset, includeSynthetic, seed } = settings;
  return JSON.stringify([trainSubset, testSubset, oodSubset, includeSynthetic, seed]);
}
