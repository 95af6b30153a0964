// What the worker remembers of each run for saving and exporting, learnt only from the events it
// emits: the history (metrics per step), and copies of the latest sample grid and embedding frame.
// Views are copied at emit time because their arrays are transferred to the page right after.

import type { FromWorker } from '../protocol';
import type { EmbeddingFrame, ProbeSetPayload, SampleGrid } from '../viewTypes';
import { copyHistory, emptyHistory, isHistoryEvent, record, type RunHistory } from '../persist/history';

export type ProbeLabels = Pick<ProbeSetPayload, 'labels' | 'indices' | 'classNames'>;

interface RunLog {
  history: RunHistory;
  samples: SampleGrid | null;
  embedding: EmbeddingFrame | null;
}

export class RunRecorder {
  private readonly logs = new Map<string, RunLog>();
  private probe: ProbeLabels | null = null;

  observe(event: FromWorker): void {
    switch (event.type) {
      case 'runCreated':
        // A fork's history starts empty, as its curve does in the UI (which marks the fork point on
        // the parent's curve instead): restored, it must look as it did.
        if (event.runId) this.logs.set(event.runId, { history: emptyHistory(), samples: null, embedding: null });
        return;
      case 'runDeleted':
        if (event.runId) this.logs.delete(event.runId);
        return;
      case 'probeSet':
        this.probe = {
          labels: event.probe.labels.slice(),
          indices: event.probe.indices.slice(),
          classNames: event.probe.classNames.slice(),
        };
        return;
      case 'samples': {
        const log = event.runId ? this.logs.get(event.runId) : undefined;
        const g = event.grid;
        if (log)
          log.samples = {
            ...g,
            unconditional: g.unconditional.slice(),
            completions: g.completions.slice(),
            completionSources: g.completionSources.slice(),
          };
        return;
      }
      case 'embedding': {
        const log = event.runId ? this.logs.get(event.runId) : undefined;
        const f = event.frame;
        if (log) log.embedding = { ...f, coords: f.coords.slice(), oodCoords: f.oodCoords.slice(), explained: f.explained.slice() };
        return;
      }
      default: {
        const log = event.runId ? this.logs.get(event.runId) : undefined;
        if (log && isHistoryEvent(event)) record(log.history, event);
      }
    }
  }

  /** A run that did not come from runCreated (restored, imported) starts with the history it had. */
  adopt(runId: string, history: RunHistory): void {
    this.logs.set(runId, { history: copyHistory(history), samples: null, embedding: null });
  }

  history(runId: string): RunHistory {
    return this.logs.get(runId)?.history ?? emptyHistory();
  }

  views(runId: string): { samples: SampleGrid | null; embedding: { frame: EmbeddingFrame; probe: ProbeLabels } | null } {
    const log = this.logs.get(runId);
    const frame = log?.embedding ?? null;
    return { samples: log?.samples ?? null, embedding: frame && this.probe ? { frame, probe: this.probe } : null };
  }
}
