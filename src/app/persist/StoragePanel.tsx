// Saved runs and datasets: export and import of a run, how much of the quota is used,
// persistent storage, the checkpoint interval, and deleting what is stored.

import { useMemo, useState } from 'react';
import { formatBytes } from '../../data/limits';
import type { StorageInfo } from '../../persist/messages';
import { historyDigest } from './historyDigest';
import type { RunView } from '../training/runView';
import type { RunActions } from '../training/runsController';
import type { PersistActions } from './persistController';
import { useStorageEstimate } from './useStorageEstimate';
import './storage.css';

interface Props {
  storage: StorageInfo | null;
  runs: RunView[];
  selectedRunId: string | null;
  version: number;
  actions: PersistActions & Pick<RunActions, 'deleteRun'>;
}

function Usage({ storage }: { storage: StorageInfo | null }) {
  const { estimate, requestPersist } = useStorageEstimate(storage);
  const { usage, quota, persisted, persistNote } = estimate;
  const share = usage !== null && quota ? usage / quota : null;
  return (
    <div className="storage-usage">
      <p data-testid="storage-usage" data-value={usage ?? ''}>
        {usage === null ? 'Storage use unknown' : `Using ${formatBytes(usage)}`}
        {quota ? ` of ${formatBytes(quota)} (${((share ?? 0) * 100).toFixed(1)}%)` : ''}
        {persisted === null ? '' : persisted ? ' · persistent' : ' · may be evicted under storage pressure'}
      </p>
      {persisted === false && (
        <button data-testid="storage-persist" onClick={requestPersist}>
          Ask to keep storage persistent
        </button>
      )}
      {persistNote && <p className="hint">{persistNote}</p>}
    </div>
  );
}

/** Edited locally and sent on blur or Enter: every keystroke of "100" would otherwise set 1, then 10. */
function CheckpointEvery({ storage, actions }: Pick<Props, 'storage' | 'actions'>) {
  const saved = storage?.checkpointEvery ?? null;
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    const steps = Number(draft);
    if (draft !== null && Number.isInteger(steps) && steps >= 1 && steps !== saved) actions.setCheckpointEvery(steps);
    setDraft(null);
  };
  return (
    <label className="checkpoint-every">
      Checkpoint every{' '}
      <input
        type="number"
        min={1}
        step={1}
        data-testid="checkpoint-every"
        data-value={saved ?? ''}
        value={draft ?? saved ?? ''}
        disabled={!storage?.available}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />{' '}
      steps, and on pause
    </label>
  );
}

export function StoragePanel({ storage, runs, selectedRunId, version, actions }: Props) {
  // `version` changes when a run's history grows in place, which `runs` alone does not show.
  const digests = useMemo(
    () => new Map(runs.map((run) => [run.id, { points: run.history.length, digest: historyDigest(run.history) }])),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [runs, version],
  );
  const stored = storage?.runs ?? [];
  return (
    <section className="panel storage" aria-label="Saved runs">
      <h2>Saved runs</h2>
      <div className="run-transfer">
        <button
          data-testid="run-export"
          disabled={!selectedRunId}
          onClick={actions.exportRun}
          title="Config, metrics (JSON, CSV), weights (tfjs format), optimiser state, samples and embedding as one zip"
        >
          Export selected run
        </button>
        <label className="file-button">
          Import run…
          <input
            type="file"
            accept=".zip,application/zip"
            data-testid="run-import"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = ''; // the same file may be picked again
              if (file) actions.importRunFile(file);
            }}
          />
        </label>
      </div>
      {storage && !storage.available && <p className="hint">Not saving: {storage.reason}.</p>}
      {storage?.lastError && (
        <p className="storage-error" role="alert">
          {storage.lastError}
        </p>
      )}
      <Usage storage={storage} />
      <CheckpointEvery storage={storage} actions={actions} />
      <ul data-testid="stored-runs" data-value={stored.length}>
        {stored.map((run) => {
          const live = digests.get(run.id);
          return (
            <li
              key={run.id}
              data-testid="stored-run"
              data-run-id={run.id}
              data-step={run.step}
              data-points={live?.points ?? run.points}
              data-digest={live?.digest ?? ''}
            >
              <span>
                {run.id} · saved at step {run.step} · {run.points} points · {formatBytes(run.bytes)}
                {!run.loaded && ` · on ${run.datasetName} (not loaded)`}
              </span>
              <button
                title={`Delete ${run.id} and its saved checkpoint`}
                disabled={run.loaded && runs.length <= 1}
                onClick={() => (run.loaded ? actions.deleteRun(run.id) : actions.deleteStoredRun(run.id))}
              >
                Delete
              </button>
            </li>
          );
        })}
      </ul>
      {storage && storage.datasets.length > 0 && (
        <ul data-testid="stored-datasets" data-value={storage.datasets.length}>
          {storage.datasets.map((d) => (
            <li key={d.id}>
              <span>
                {d.name}: {d.images} images at {d.imageSize}px · {formatBytes(d.bytes)}
                {d.active && ' · in use'}
              </span>
              <button
                disabled={d.active}
                title={d.active ? 'In use: load another dataset first' : `Delete ${d.name}`}
                onClick={() => actions.deleteStoredDataset(d.id)}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="hint">Saved in this browser only (IndexedDB). The built-in dataset is fetched again rather than stored.</p>
    </section>
  );
}
