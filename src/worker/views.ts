// The live views in the worker: which run they follow, when they refresh, and the jobs that
// compute them. Jobs run under the device lock, so they land between training steps and never read a
// half-updated model; results leave as transferred typed arrays. UMAP runs outside the lock (it is
// plain JavaScript once the representations are read), yielding every few epochs so training and
// messages (cancel) go on.

import type { RunConfig } from '../config';
import type { ImageSet } from '../data/store';
import type { HybridTrainer } from '../model/trainer';
import type { FromWorker } from '../protocol';
import { DEFAULT_VIEW_SETTINGS, VIEW_LIMITS, type ProbeSetPayload, type UmapParams, type ViewSettings } from '../viewTypes';
import { deviceLock } from './deviceLock';
import { pcaFrame, umapFrame, type Features } from './embeddingFrame';
import { buildProbeSet, PROBE_SIZE, type ProbeSet } from './probeSet';
import { representAll } from './represent';
import { generateSamples } from './sampleGrid';

/** What the views need of a training run. */
export interface ViewableRun {
  readonly id: string;
  readonly step: number;
  readonly config: RunConfig;
  readonly trainer: HybridTrainer;
}

export interface ViewHost {
  run(runId: string): ViewableRun | undefined;
  post(event: FromWorker, transfer: Transferable[]): void;
}

/** Fixed so that every run, reload and machine projects the same held-out images. */
const PROBE_SEED = 0x5eed;
/** The OOD overlay is capped lower: it is context for the probe set, not the subject. */
const OOD_PROBE_SIZE = 500;

type ViewJob = 'embedding' | 'samples';

function clampSettings(s: ViewSettings): ViewSettings {
  const clamp = (v: number, min: number, max: number) => (Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : min);
  const { every, temperature, count } = VIEW_LIMITS;
  return {
    embeddingEvery: Math.round(clamp(s.embeddingEvery, every.min, every.max)),
    samplesEvery: Math.round(clamp(s.samplesEvery, every.min, every.max)),
    temperature: clamp(s.temperature, temperature.min, temperature.max),
    unconditional: Math.round(clamp(s.unconditional, count.min, count.max)),
    completions: Math.round(clamp(s.completions, count.min, count.max)),
  };
}

export class ViewService {
  private settings: ViewSettings = DEFAULT_VIEW_SETTINGS;
  private viewRunId: string | null = null;
  private probe: ProbeSet | null = null;
  private generation = 0;
  private ood: ProbeSet | null = null;
  private readonly previousAxes = new Map<string, Float32Array>();
  private readonly pending = new Set<ViewJob>();
  private draining = false;
  private umap: { runId: string; controller: AbortController } | null = null;

  constructor(private readonly host: ViewHost) {}

  /** Builds the probe set of a newly loaded dataset and sends its thumbnails once. */
  setDataset(test: ImageSet, classNames: string[]): void {
    this.probe = test.count > 0 ? buildProbeSet(test, PROBE_SIZE, PROBE_SEED) : null;
    this.generation += 1;
    this.previousAxes.clear();
    this.sendProbe(classNames);
    this.requestAll();
  }

  /**
   * The OOD overlay's images (null: none). Whoever loads an OOD set calls this; until then the view
   * says there is no overlay rather than inventing one.
   */
  setOod(set: ImageSet | null, classNames: string[]): void {
    this.ood = set && set.count > 0 && set.size === this.probe?.size ? buildProbeSet(set, OOD_PROBE_SIZE, PROBE_SEED) : null;
    this.sendProbe(classNames);
    this.request('embedding');
  }

  configure(runId: string | null, settings: ViewSettings): void {
    const next = clampSettings(settings);
    const changedRun = runId !== this.viewRunId;
    const changedSamples =
      next.temperature !== this.settings.temperature ||
      next.unconditional !== this.settings.unconditional ||
      next.completions !== this.settings.completions;
    this.viewRunId = runId;
    this.settings = next;
    if (changedRun) this.requestAll();
    else if (changedSamples) this.request('samples');
  }

  request(job: ViewJob): void {
    if (!this.viewRunId || !this.probe) return;
    this.pending.add(job);
    void this.drain();
  }

  /** Called by the scheduler after each step: refreshes the followed run's views every K steps. */
  afterStep(run: ViewableRun): void {
    if (run.id !== this.viewRunId) return;
    if (run.step % this.settings.embeddingEvery === 0) this.request('embedding');
    if (run.step % this.settings.samplesEvery === 0) this.request('samples');
  }

  /** Whether afterStep will refresh a view right after `step` of `run` (the scheduler then settles that step first). */
  wantsStep(run: ViewableRun, step: number): boolean {
    return run.id === this.viewRunId && (step % this.settings.embeddingEvery === 0 || step % this.settings.samplesEvery === 0);
  }

  /** A fork starts from its parent's axes, so selecting it does not mirror the picture. */
  onFork(parentId: string, childId: string): void {
    const axes = this.previousAxes.get(parentId);
    if (axes) this.previousAxes.set(childId, axes);
  }

  forgetRun(runId: string): void {
    this.previousAxes.delete(runId);
    if (this.umap?.runId === runId) this.cancelUmap();
  }

  private requestAll(): void {
    this.request('embedding');
    this.request('samples');
  }

  private sendProbe(classNames: string[]): void {
    const probe = this.probe;
    if (!probe) return;
    const ood = this.ood;
    // Copies, because the originals stay in the worker for the completions and are transferred away.
    const payload: ProbeSetPayload = {
      generation: this.generation,
      size: probe.size,
      count: probe.count,
      pixels: probe.pixels.slice(),
      labels: probe.labels.slice(),
      indices: probe.indices.slice(),
      classNames: classNames.slice(),
      oodCount: ood?.count ?? 0,
      oodPixels: ood ? ood.pixels.slice() : new Uint8Array(0),
      oodNote: ood ? null : 'No out-of-distribution set is loaded in the worker, so there is no OOD overlay.',
    };
    this.host.post({ type: 'probeSet', runId: null, step: 0, probe: payload }, [
      payload.pixels.buffer,
      payload.labels.buffer,
      payload.indices.buffer,
      payload.oodPixels.buffer,
    ]);
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.size > 0) {
        const job: ViewJob = this.pending.has('embedding') ? 'embedding' : 'samples';
        this.pending.delete(job);
        await deviceLock.run(() => this.runJob(job));
      }
    } finally {
      this.draining = false;
    }
  }

  private async runJob(job: ViewJob): Promise<void> {
    const run = this.viewRunId ? this.host.run(this.viewRunId) : undefined;
    const probe = this.probe;
    if (!run || !probe) return;
    try {
      if (job === 'embedding') await this.embed(run, probe);
      else await this.sample(run, probe);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.host.post({ type: 'error', runId: run.id, step: run.step, message: `The ${job} view of ${run.id} failed: ${message}` }, []);
    }
  }

  private async features(run: ViewableRun, probe: ProbeSet): Promise<{ probe: Features; ood: Features | null }> {
    const chunk = run.config.train.batch;
    const p = await representAll(run.trainer, probe, chunk);
    const o = this.ood ? await representAll(run.trainer, this.ood, chunk) : null;
    return {
      probe: { values: p.features, count: probe.count, dim: p.dim },
      ood: o && this.ood ? { values: o.features, count: this.ood.count, dim: o.dim } : null,
    };
  }

  private async embed(run: ViewableRun, probe: ProbeSet): Promise<void> {
    if (probe.count < 2) return;
    const started = performance.now();
    const step = run.step;
    const f = await this.features(run, probe);
    const { frame, components } = await pcaFrame(f.probe, f.ood, this.previousAxes.get(run.id) ?? null, started);
    this.previousAxes.set(run.id, components);
    this.host.post({ type: 'embedding', runId: run.id, step, frame }, [frame.coords.buffer, frame.oodCoords.buffer]);
  }

  private async sample(run: ViewableRun, probe: ProbeSet): Promise<void> {
    const { unconditional, completions, temperature } = this.settings;
    if (unconditional + completions === 0) return;
    const step = run.step;
    const grid = await generateSamples(run.trainer, probe, {
      unconditional,
      completions,
      temperature,
      seed: run.config.train.seed * 1_000_003 + step,
    });
    this.host.post({ type: 'samples', runId: run.id, step, grid }, [
      grid.unconditional.buffer,
      grid.completions.buffer,
      grid.completionSources.buffer,
    ]);
  }

  /** UMAP of the followed run's current representations; replaces any UMAP in progress. */
  startUmap(runId: string, params: UmapParams): void {
    this.cancelUmap();
    const run = this.host.run(runId);
    const probe = this.probe;
    if (!run || !probe) throw new Error(run ? 'no dataset is loaded' : `no run ${runId}`);
    const controller = new AbortController();
    const umap = { runId, controller };
    this.umap = umap;
    const progress = (
      state: 'running' | 'done' | 'cancelled' | 'failed',
      done: number,
      total: number,
      message: string | null,
      step: number,
    ) => this.host.post({ type: 'umapProgress', runId, step, state, done, total, message }, []);
    void (async () => {
      const started = performance.now();
      let step = run.step;
      let lastPost = 0;
      try {
        const f = await deviceLock.run(() => {
          step = run.step;
          return this.features(run, probe);
        });
        progress('running', 0, 1, null, step);
        const frame = await umapFrame(
          f.probe,
          f.ood,
          params,
          {
            signal: controller.signal,
            onProgress: (done, total) => {
              const now = performance.now();
              if (now - lastPost < 100 && done < total) return;
              lastPost = now;
              progress('running', done, total, null, step);
            },
          },
          started,
        );
        this.host.post({ type: 'embedding', runId, step, frame }, [frame.coords.buffer, frame.oodCoords.buffer]);
        progress('done', 1, 1, null, step);
      } catch (error) {
        const aborted = controller.signal.aborted;
        progress(aborted ? 'cancelled' : 'failed', 0, 1, aborted ? null : error instanceof Error ? error.message : String(error), step);
      } finally {
        if (this.umap === umap) this.umap = null;
      }
    })();
  }

  cancelUmap(): void {
    this.umap?.controller.abort();
    this.umap = null;
  }
}
