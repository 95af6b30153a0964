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

  constructor(private readonly emit: Emit) {}

  add(run: TrainingRun): void {
    this.runs.set(run.id, run);
  }

  remove(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    this.runs.delete(runId);
    this.singleSteps.delete(runId);
    // Under the device lock: a step or view job of this run may be awaiting a read right now.
    void deviceLock.run(async () => run.dispose());
  }

  start(runId: string): void {
    this.setStatus(this.require(runId), 'training');
    void this.loop();
  }

  pause(runId: string): void {
    this.setStatus(this.require(runId), 'paused');
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
      while (this.hasWork()) {
        for (const run of [...this.runs.values()]) {
          const single = this.singleSteps.delete(run.id);
          if (run.status !== 'training' && !single) continue;
          await this.stepRun(run);
        }
        await yieldToMessages();
      }
    } finally {
      this.looping = false;
    }
  }

  private async stepRun(run: TrainingRun): Promise<void> {
    try {
      // The device lock puts view jobs and forks between steps, never inside one.
      // A run deleted while this step waited for the lock is already disposed: skip it.
      const report = await deviceLock.run(async () => (this.runs.has(run.id) ? run.trainOneStep() : null));
      if (!report || !this.runs.has(run.id)) return;
      this.emit({ type: 'metrics', runId: run.id, step: report.step, metrics: report.metrics, hyper: report.hyper });
      for (const listener of this.afterStep) listener(run);
      if (!Number.isFinite(report.metrics.lossTotal)) {
        this.setStatus(run, 'paused');
        this.emit({
          type: 'error',
          runId: run.id,
          step: report.step,
          message: `Run ${run.id} diverged at step ${report.step} (loss is ${report.metrics.lossTotal}); paused. Lower the learning rate and resume.`,
        });
        for (const listener of this.onDiverged) listener(run, report);
      }
    } catch (error) {
      if (this.onStepFailed.some((handled) => handled(run, error))) return;
      this.setStatus(run, 'paused');
      this.emit({ type: 'error', runId: run.id, step: run.step, message: `Run ${run.id} stopped: ${describe(error)}` });
    }
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
