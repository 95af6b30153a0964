// The scheduler's pipelining: a step is recorded while the previous one's readout is in flight, a
// step something wants to look at is finished before the next is recorded, and nothing recorded
// after a diverged step is reported.
import { describe, expect, it, vi } from 'vitest';
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

// The scheduler yields through MessageChannel, whose order against timers Node does not fix: the
// tests wait for what must happen, never for a number of event-loop turns.
const until = (check: () => void) => vi.waitFor(check, { timeout: 5_000, interval: 1 });
/** Time for a step that must not be recorded yet to show up, were it recorded. */
const settleDown = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 1));
};

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
    // Step 2 is recorded at once: it does not wait for step 1's readout.
    await until(() => expect(run.log).toContain('record 2'));
    await settleDown();
    expect(run.log).toEqual(['record 1', 'record 2']);
    run.finish(1);
    await until(() => expect(run.log).toContain('record 3'));
    expect(metricSteps()).toEqual([1]);
    expect(run.log).toEqual(['record 1', 'record 2', 'read 1', 'record 3']);
    scheduler.pause('r');
    run.finish(2);
    await until(() => expect(metricSteps()).toEqual([1, 2]));
    run.finish(3);
    // After the pause the last recorded step is still reported.
    await until(() => expect(metricSteps()).toEqual([1, 2, 3]));
    expect(run.log).not.toContain('record 4');
  });

  it('a step someone wants to look at is read back before the next step is recorded', async () => {
    const { scheduler, run, metricSteps } = setup();
    const seen: number[] = [];
    scheduler.wantsStep.push((_run, step) => step === 2);
    scheduler.afterStep.push((r) => seen.push(r.step));
    scheduler.start('r');
    await until(() => expect(run.log).toContain('record 2'));
    run.finish(1);
    await until(() => expect(metricSteps()).toEqual([1]));
    await settleDown();
    // Step 2 was recorded while step 1 came back, but step 3 waits for step 2's readout.
    expect(run.log).toEqual(['record 1', 'record 2', 'read 1']);
    run.finish(2);
    await until(() => expect(run.log).toContain('record 3'));
    expect(run.log.slice(3, 5)).toEqual(['read 2', 'record 3']);
    // The after-step hook saw the run exactly at step 2 (and skipped step 1, which nobody wanted).
    expect(seen).toEqual([2]);
    // Step 3 was not wanted, so step 4 may be recorded before the pause arrives; either way every
    // recorded step is reported, in order.
    scheduler.pause('r');
    run.finish(3);
    await until(() => expect(metricSteps()).toContain(3));
    const recorded = run.log.filter((line) => line.startsWith('record')).length;
    if (recorded === 4) run.finish(4);
    await until(() => expect(metricSteps()).toEqual([1, 2, 3, 4].slice(0, recorded)));
    expect(recorded).toBeLessThanOrEqual(4);
  });

  it('a diverged step pauses the run; the step recorded after it is not reported', async () => {
    const { scheduler, run, metricSteps, events } = setup([1, Number.NaN, 1]);
    const diverged: number[] = [];
    scheduler.onDiverged.push((_run, report) => diverged.push(report.step));
    scheduler.start('r');
    await until(() => expect(run.log).toContain('record 2'));
    run.finish(1);
    await until(() => expect(run.log).toContain('record 3'));
    run.finish(2);
    await until(() => expect(diverged).toEqual([2]));
    run.finish(3);
    await until(() => expect(run.log).toContain('read 3'));
    await settleDown();
    expect(metricSteps()).toEqual([1, 2]);
    expect(run.status).toBe('paused');
    expect(events.filter((e) => e.type === 'error')).toHaveLength(1);
    expect(run.log).not.toContain('record 4');
  });

  it('a pause while steps are in flight is announced once they are reported, at the last one', async () => {
    const { scheduler, run, events } = setup();
    const trail = () =>
      events.flatMap((e) => (e.type === 'metrics' ? [`metrics ${e.step}`] : e.type === 'runStatus' ? [`${e.status} ${e.step}`] : []));
    scheduler.pause('r');
    // Nothing in flight: at once.
    expect(trail()).toEqual(['paused 0']);
    scheduler.start('r');
    await until(() => expect(run.log).toContain('record 2'));
    scheduler.pause('r');
    run.finish(1);
    await until(() => expect(trail()).toContain('metrics 1'));
    await settleDown();
    // Step 2 is still coming: a checkpoint taken now would hold step 2's weights without its metrics.
    expect(trail()).toEqual(['paused 0', 'training 0', 'metrics 1']);
    run.finish(2);
    await until(() => expect(trail()).toEqual(['paused 0', 'training 0', 'metrics 1', 'metrics 2', 'paused 2']));
    expect(run.log).not.toContain('record 3');
  });
});
