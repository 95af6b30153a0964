// What the page does when the training worker dies or loses its GPU: it restarts the
// worker (on wasm after a lost WebGPU device, else on the same backend request), lets it restore every
// run from its last checkpoint through the reload path (restoreSession), restarts the runs that were
// training, and says so in status-message. Also the diverged run's "resume at a lower rate" button,
// and, behind ?testHooks=1 only, window.hybridLabTest to simulate faults and read memory figures.

import type { BackendRequest } from '../../config';
import type { FromWorker, ToWorker } from '../../protocol';
import type { MemoryReport, SimulatedFault } from '../../worker/faultMessages';
import type { TrainerStore } from '../training/trainerStore';
import type { StatusAction } from '../common/statusLine';
import type { WorkerEventSink } from './workerEvents';

export interface RecoveryDeps {
  store: TrainerStore;
  post(message: ToWorker): void;
  /** Terminates the worker and starts a fresh one (WorkerSupervisor.restart). */
  restartWorker(): void;
  /** The backend the page asked for at load (?backend=, or auto). */
  backendRequest(): BackendRequest;
  /** Feeds a synthetic event through every UI controller, as if the worker had sent it. */
  replay(event: FromWorker): void;
  /** Tells the persistence controller a restore is under way (no fresh run meanwhile). */
  setRestoring(): void;
  selectRun(runId: string): void;
}

export interface RecoveryActions {
  statusAction(action: StatusAction): void;
}

/** What the test hooks offer (window.hybridLabTest), only with ?testHooks=1. */
export interface TestHooks {
  simulateFault(fault: SimulatedFault): void;
  memory(): Promise<MemoryReport & { pageHeapBytes: number | null }>;
  recoveries(): number;
}

/** Restarts closer together than this count as one failing streak. */
const STREAK_MS = 120_000;
const MAX_STREAK = 3;

interface Recovering {
  reason: string;
  backend: BackendRequest;
  training: Set<string>;
  selected: string | null;
  before: Map<string, number>;
  restored: Map<string, number>;
}

export class RecoveryController implements WorkerEventSink {
  private recovering: Recovering | null = null;
  private restarts: number[] = [];
  private count = 0;
  private memoryWaiters: Array<(report: MemoryReport) => void> = [];
  /** The backend the worker reported at its last 'ready'. */
  private backend: string | null = null;

  constructor(
    private readonly deps: RecoveryDeps,
    search: string,
  ) {
    if (new URLSearchParams(search).get('testHooks') === '1') this.installTestHooks();
  }

  apply(event: FromWorker): boolean {
    switch (event.type) {
      case 'ready':
        this.backend = event.backend;
        return true;
      case 'deviceLost': {
        // WebGPU is what failed: the new worker uses wasm, which needs no device.
        const backend: BackendRequest = event.backend === 'webgpu' ? 'wasm' : this.deps.backendRequest();
        this.workerDied(`The ${event.backend} device was lost: ${event.message}`, backend);
        return true;
      }
      case 'memoryReport':
        for (const resolve of this.memoryWaiters.splice(0)) resolve(event.memory);
        return true;
      case 'runRestored':
        if (!this.recovering || !event.runId) return false;
        this.recovering.restored.set(event.runId, event.step);
        return true;
      case 'sessionRestored':
        if (!this.recovering) return false;
        this.finish(this.recovering);
        return true;
      default:
        return false;
    }
  }

  /** The worker is gone or useless; `backend` overrides the request (a fallback after a device loss). */
  workerDied(reason: string, backend: BackendRequest = this.deps.backendRequest()): void {
    const now = Date.now();
    this.restarts = [...this.restarts.filter((t) => now - t < STREAK_MS), now];
    const snapshot = this.deps.store.getSnapshot();
    // A second death while restoring keeps the first picture of what was training.
    const previous = this.recovering;
    if (this.restarts.length > MAX_STREAK) {
      // A worker that keeps dying would loop forever; the runs stay as they are on screen.
      this.recovering = null;
      this.deps.store.setStatus({
        kind: 'error',
        text: `${reason}. The worker failed ${MAX_STREAK} times in two minutes; stopped restarting it. Your runs are saved up to their last checkpoint: reload the page to try again.`,
      });
      return;
    }
    // The runs come back from storage with their saved history: the page forgets the live ones first
    // (what this posts goes to the old worker, about to be terminated).
    for (const run of snapshot.runs) this.deps.replay({ type: 'runDeleted', runId: run.id, step: 0 });
    this.deps.restartWorker();
    this.count++;
    this.recovering = {
      reason,
      backend,
      training: previous?.training ?? new Set(snapshot.runs.filter((r) => r.status === 'training').map((r) => r.id)),
      selected: previous?.selected ?? snapshot.selectedRunId,
      before: previous?.before ?? new Map(snapshot.runs.map((r) => [r.id, r.step])),
      restored: new Map(),
    };
    this.deps.setRestoring();
    this.deps.post({ type: 'init', backend });
    this.deps.store.setStatus({
      kind: 'error',
      text: `${reason}. Restarting it on ${backend === 'auto' ? 'the best backend' : backend} and restoring the runs from their checkpoints…`,
    });
  }

  actions(): RecoveryActions {
    return {
      statusAction: (action) => {
        // The only action so far: the diverged run resumes at the suggested learning rate.
        this.deps.selectRun(action.runId);
        this.deps.store.setRunHyper(action.runId, { lr: action.lr });
        this.deps.post({ type: 'setHyper', runId: action.runId, hyper: { lr: action.lr } });
        this.deps.post({ type: 'start', runId: action.runId });
        this.deps.store.setStatus({ kind: 'info', text: `Resumed ${action.runId} at learning rate ${action.lr}` });
      },
    };
  }

  private finish(state: Recovering): void {
    this.recovering = null;
    const resumed: string[] = [];
    for (const [runId, step] of state.restored) {
      const was = state.before.get(runId);
      const lost = was !== undefined && was > step ? ` (was at ${was})` : '';
      resumed.push(`${runId} from step ${step}${lost}`);
      if (state.training.has(runId)) this.deps.post({ type: 'start', runId });
    }
    if (state.selected && state.restored.has(state.selected)) this.deps.selectRun(state.selected);
    const on = this.backend ?? state.backend;
    const what = resumed.length > 0 ? `resumed ${resumed.join(', ')} from their last checkpoints` : 'no saved run could be restored';
    const training = [...state.training].filter((id) => state.restored.has(id));
    const again = training.length > 0 ? `; ${training.join(', ')} training again` : '';
    this.deps.store.setStatus({
      kind: resumed.length > 0 ? 'info' : 'error',
      text: `${state.reason}. Restarted the worker on ${on} and ${what}${again}.`,
    });
  }

  private installTestHooks(): void {
    const hooks: TestHooks = {
      simulateFault: (fault) => this.deps.post({ type: 'simulateFault', fault }),
      memory: () =>
        new Promise((resolve) => {
          this.memoryWaiters.push((report) => {
            const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;
            resolve({ ...report, pageHeapBytes: typeof heap === 'number' ? heap : null });
          });
          this.deps.post({ type: 'reportMemory' });
        }),
      recoveries: () => this.count,
    };
    (window as Window & { hybridLabTest?: TestHooks }).hybridLabTest = hooks;
  }
}
