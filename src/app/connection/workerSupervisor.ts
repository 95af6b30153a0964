// Owns the training worker object for the connection: creates it, notices when it dies (an
// uncaught error, or silence longer than HeartbeatWatch allows) and replaces it on request. What to do
// about a death (which backend, which runs to resume) is RecoveryController's business.

import type { FromWorker, ToWorker } from '../../protocol';
import { HeartbeatWatch } from './heartbeatWatch';

export interface SupervisorDeps {
  create(): Worker;
  onMessage(event: FromWorker): void;
  /** Called once per dead worker, with a sentence saying what happened. */
  onDead(reason: string): void;
}

const CHECK_EVERY_MS = 1000;

export class WorkerSupervisor {
  private worker: Worker;
  private readonly watch = new HeartbeatWatch();
  private readonly timer: ReturnType<typeof setInterval>;
  private dead = false;

  constructor(private readonly deps: SupervisorDeps) {
    this.worker = this.spawn();
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS);
  }

  post(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  /** Terminates the current worker (dead, hung or on a lost device) and starts a fresh one. */
  restart(): void {
    this.worker.terminate();
    this.watch.reset();
    this.dead = false;
    this.worker = this.spawn();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.worker.terminate();
  }

  private spawn(): Worker {
    const worker = this.deps.create();
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      // A message still in flight from a worker already replaced is stale.
      if (worker !== this.worker) return;
      const data = event.data;
      const stepMs = data.type === 'heartbeat' ? data.lastStepMs : data.type === 'metrics' ? data.metrics.msPerStep : undefined;
      this.watch.beat(Date.now(), stepMs);
      if (data.type !== 'heartbeat') this.deps.onMessage(data);
    };
    worker.onerror = (event: ErrorEvent) => {
      // Handled here: the page says what happened in status-message and restarts the worker.
      event.preventDefault();
      if (worker !== this.worker) return;
      this.died(`The training worker crashed (${event.message || 'an uncaught error'})`);
    };
    return worker;
  }

  private check(): void {
    if (this.watch.isDead(Date.now())) {
      this.died(`The training worker stopped answering (no heartbeat for ${Math.round(this.watch.allowedSilenceMs() / 1000)} s)`);
    }
  }

  private died(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    this.deps.onDead(reason);
  }
}
