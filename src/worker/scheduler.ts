// Steps every training run in turn (docs/architecture.md) and reports each step. Training never waits for the UI:
// between rounds we only yield so that incoming messages (pause, sliders) are handled.

import type { FromWorker } from '../protocol';
import type { StepReport, TrainingRun } from './run';
import { deviceLock } from './deviceLock';

export type Emit = (event: FromWorker) => void;

function yieldToMessages(): Promise<void> {
  // A MessageChannel round trip yields to the event loop without setTimeout's 4 ms clamp.
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

export class Scheduler {
  readonly runs = new Map<string, TrainingRun>();
  private readonly singleSteps = new Set<string>();
  private looping = false;
  /** Called after every successful step (the live views refresh every K steps from here). */
  readonly afterStep: Array<(run: TrainingRun) => void> = [];
  /** Called once a run whose loss is not finite has been paused (it is then rewound: divergence.ts). */
  readonly onDiverged: Array<(run: TrainingRun, report: StepReport) => void> = [];
  /** Asked first when a step throws; true means the failure was handled (a lost device). */
  readonly onStepFailed: Array<(run: TrainingRun, error: unknown) => boolean> = [];
  /**
   * Asked after a step is recorded: true when something will look at the run right after that step
   * (its views, an evaluation, a checkpoint), so the step is finished before the next one is recorded.
   */
  readonly wantsStep: Array<(run: TrainingRun, step: number) => boolean> = [];
  /**
   * The step recorded last, whose readout is still in flight: the next step is recorded while it
   * comes back, so the device never waits for JavaScript to encode (docs/webgpu.md, "No stall").
   */
  private inFlight: { run: TrainingRun; step: number; readout: Promise<StepReport> } | null = null;
  /** Runs that diverged, with the step: steps recorded after it are not reported (the run is rewound). */
  private readonly divergedAt = new Map<string, number>();
  /**
   * Runs paused while a step of theirs was in flight: the pause is announced once that step is
   * reported, so what a pause sets off (its checkpoint, the page's step) sees the step with its metrics.
   */
  private readonly pauseAfterReadout = new Set<string>();
  /** Per run, steps recorded and not yet reported (at most two: one settling, the next recorded). */
  private readonly unreported = new Map<string, number>();

  constructor(private readonly emit: Emit) {}

  add(run: TrainingRun): void {
    this.runs.set(run.id, run);
  }

  remove(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    this.runs.delete(runId);
    this.singleSteps.delete(runId);
    this.pauseAfterReadout.delete(runId);
    this.unreported.delete(runId);
    // Under the device lock: a step or view job of this run may be awaiting a read right now.
    void deviceLock.run(async () => run.dispose());
  }

  start(runId: string): void {
    this.divergedAt.delete(runId);
    this.pauseAfterReadout.delete(runId);
    this.setStatus(this.require(runId), 'training');
    void this.loop();
  }

  pause(runId: string): void {
    const run = this.require(runId);
    if (!this.unreported.get(run.id)) return this.setStatus(run, 'paused');
    run.status = 'paused';
    this.pauseAfterReadout.add(run.id);
  }

  stepOnce(runId: string): void {
    const run = this.require(runId);
    if (run.status === 'training') return;
    this.singleSteps.add(runId);
    void this.loop();
  }

  private require(runId: string): TrainingRun {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run ${runId}`);
    return run;
  }

  private setStatus(run: TrainingRun, status: TrainingRun['status']): void {
    run.status = status;
    this.emit({ type: 'runStatus', runId: run.id, step: run.step, status });
  }

  private hasWork(): boolean {
    return this.singleSteps.size > 0 || [...this.runs.values()].some((run) => run.status === 'training');
  }

  private async loop(): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    try {
      do {
        while (this.hasWork()) {
          for (const run of [...this.runs.values()]) {
            const single = this.singleSteps.delete(run.id);
            if (run.status !== 'training' && !single) continue;
            await this.stepRun(run);
          }
          await yieldToMessages();
        }
        await this.settle();
        // Work may have arrived (a resume, a single step) while the last readout came back.
      } while (this.hasWork());
    } finally {
      this.looping = false;
    }
  }

  /**
   * Records one step of `run`, then reports the step recorded before it, whose readout overlapped
   * this recording. A step that something wants to look at right after is reported at once instead,
   * before any further step changes the weights.
   */
  private async stepRun(run: TrainingRun): Promise<void> {
    let recorded: { step: number; readout: Promise<StepReport> } | null;
    try {
      // The device lock puts view jobs and forks between steps, never inside one.
      // A run deleted while this step waited for the lock is already disposed: skip it.
      recorded = await deviceLock.run(async () => {
        if (!this.runs.has(run.id)) return null;
        const readout = run.startStep();
        return { step: run.step, readout };
      });
    } catch (error) {
      this.stepFailed(run, error);
      return;
    }
    if (!recorded) return;
    this.unreported.set(run.id, (this.unreported.get(run.id) ?? 0) + 1);
    // Settled below, or by the next stepRun: never left without a handler.
    recorded.readout.catch(() => undefined);
    await this.settle();
    this.inFlight = { run, ...recorded };
    if (this.wantsStep.some((wants) => wants(run, recorded.step))) await this.settle();
  }

  /** Waits for the in-flight step's scalars and reports it (metrics, after-step hooks, divergence). */
  private async settle(): Promise<void> {
    const pending = this.inFlight;
    if (!pending) return;
    this.inFlight = null;
    const { run } = pending;
    try {
      await this.report(pending);
    } finally {
      const left = (this.unreported.get(run.id) ?? 1) - 1;
      if (left > 0) this.unreported.set(run.id, left);
      else this.unreported.delete(run.id);
      // Announced unless something set the status since (a failure or divergence pauses and says so).
      if (left <= 0 && this.pauseAfterReadout.delete(run.id) && run.status === 'paused') this.setStatus(run, 'paused');
    }
  }

  private async report({ run, step, readout }: { run: TrainingRun; step: number; readout: Promise<StepReport> }): Promise<void> {
    let report: StepReport;
    try {
      report = await readout;
    } catch (error) {
      this.stepFailed(run, error);
      return;
    }
    // Deleted meanwhile, rewound to an earlier step, or recorded after a step that diverged.
    const diverged = this.divergedAt.get(run.id);
    if (!this.runs.has(run.id) || step > run.step || (diverged !== undefined && step > diverged)) return;
    this.emit({ type: 'metrics', runId: run.id, step: report.step, metrics: report.metrics, hyper: report.hyper });
    // The hooks look at the run as it is now: after this step when it was wanted (settled at once).
    if (run.step === step) for (const listener of this.afterStep) listener(run);
    if (!Number.isFinite(report.metrics.lossTotal)) {
      this.divergedAt.set(run.id, step);
      this.pauseAfterReadout.delete(run.id);
      this.setStatus(run, 'paused');
      this.emit({
        type: 'error',
        runId: run.id,
        step: report.step,
        message: `Run ${run.id} diverged at step ${report.step} (loss is ${report.metrics.lossTotal}); paused. Lower the learning rate and resume.`,
      });
      for (const listener of this.onDiverged) listener(run, report);
    }
  }

  private stepFailed(run: TrainingRun, error: unknown): void {
    this.pauseAfterReadout.delete(run.id);
    if (this.onStepFailed.some((handled) => handled(run, error))) return;
    this.setStatus(run, 'paused');
    this.emit({ type: 'error', runId: run.id, step: run.step, message: `Run ${run.id} stopped: ${describe(error)}` });
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
