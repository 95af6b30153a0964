// The scheduler's pipelining: a step is recorded while the previous one's readout is in flight, a
// step something wants to look at is finished before the next is recorded, and nothing recorded
// after a diverged step is reported.
import { describe, expect, it } from 'vitest';
import type { FromWorker } from '../protocol';
import type { StepReport, TrainingRun } from './run';
import { Scheduler } from './scheduler';

const HYPER = { lambdaCon: 1, lambdaGen: 1, tau: 0.2, lr: 1e-3 };

/** A run whose steps resolve when the test says so, logging when each is recorded and read. */
class FakeRun {
  status: TrainingRun['status'] = 'idle';
  step = 0;
  readonly log: string[] = [];
  private readonly resolvers: ((report: StepReport) => void)[] = [];

  constructor(
    readonly id: string,
    private readonly losses: number[] = [],
  ) {}

  startStep(): Promise<StepReport> {
    this.step += 1;
    const step = this.step;
    this.log.push(`record ${step}`);
    return new Promise((resolve) => {
      this.resolvers[step] = (report) => {
        this.log.push(`read ${step}`);
        resolve(report);
      };
    });
  }

  /** Lets step `step`'s readout come back. */
  finish(step: number): void {
    const lossTotal = this.losses[step - 1] ?? 1;
    this.resolvers[step]({
      step,
      hyper: HYPER,
      metrics: { lossTotal, lossCon: 1, bitsPerDim: 1, conTop1: 0, msPerStep: 1, imagesPerSec: 1 },
    });
  }

  dispose(): void {}
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(losses?: number[]) {
  const events: FromWorker[] = [];
  const scheduler = new Scheduler((e) => events.push(e));
  const run = new FakeRun('r', losses);
  scheduler.add(run as unknown as TrainingRun);
  const metricSteps = () => events.flatMap((e) => (e.type === 'metrics' ? [e.step] : []));
  return { scheduler, run, events, metricSteps };
}

describe('Scheduler', () => {
  it('records step n+1 before step n is read back, and reports every step in order', async () => {
    const { scheduler, run, metricSteps } = setup();
    scheduler.start('r');
    await tick();
    expect(run.log).toEqual(['record 1']);
    // Step 2 is recorded at once: it does not wait for step 1's readout.
    await tick();
    expect(run.log).toEqual(['record 1', 'record 2']);
    run.finish(1);
    await tick();
    expect(metricSteps()).toEqual([1]);
    expect(run.log.slice(0, 4)).toEqual(['record 1', 'record 2', 'read 1', 'record 3']);
    scheduler.pause('r');
    run.finish(2);
    await tick();
    run.finish(3);
    await tick();
    // After the pause the last recorded step is still reported.
    expect(metricSteps()).toEqual([1, 2, 3]);
  });

  it('a step someone wants to look at is read back before the next step is recorded', async () => {
    const { scheduler, run, metricSteps } = setup();
    const seen: number[] = [];
    scheduler.wantsStep.push((_run, step) => step === 2);
    scheduler.afterStep.push((r) => seen.push(r.step));
    scheduler.start('r');
    await tick();
    await tick();
    run.finish(1);
    await tick();
    // Step 2 was recorded while step 1 came back, but step 3 waits for step 2's readout.
    expect(run.log).toEqual(['record 1', 'record 2', 'read 1']);
    run.finish(2);
    await tick();
    expect(run.log.slice(3, 5)).toEqual(['read 2', 'record 3']);
    // The after-step hook saw the run exactly at step 2 (and skipped step 1, which nobody wanted).
    expect(seen).toEqual([2]);
    scheduler.pause('r');
    run.finish(3);
    await tick();
    run.finish(4);
    await tick();
    expect(metricSteps()).toEqual([1, 2, 3, 4]);
  });

  it('a diverged step pauses the run; the step recorded after it is not reported', async () => {
    const { scheduler, run, metricSteps, events } = setup([1, Number.NaN, 1]);
    const diverged: number[] = [];
    scheduler.onDiverged.push((_run, report) => diverged.push(report.step));
    scheduler.start('r');
    await tick();
    await tick();
    run.finish(1);
    await tick();
    run.finish(2);
    await tick();
    run.finish(3);
    await tick();
    expect(diverged).toEqual([2]);
    expect(metricSteps()).toEqual([1, 2]);
    expect(run.status).toBe('paused');
    expect(events.filter((e) => e.type === 'error')).toHaveLength(1);
  });
});
