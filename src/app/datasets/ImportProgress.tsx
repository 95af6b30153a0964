// The running import: phase, counts, rate and a Cancel that aborts it in the worker.

import type { TrainerSnapshot } from '../training/trainerStore';
import type { DatasetUiState } from './datasetController';

const PHASES: Record<string, { label: string; unit: string }> = {
  downloading: { label: 'Downloading', unit: 'files' },
  reading: { label: 'Reading files', unit: 'files' },
  decoding: { label: 'Decoding images', unit: 'images' },
};

const count = (n: number) => Math.round(n).toLocaleString('en-US');

interface Props {
  /** null: asked for, but the worker has not started it yet (it may be finishing other work). */
  progress: TrainerSnapshot['progress'];
  rate: DatasetUiState['rate'];
  onCancel(): void;
}

export function ImportProgress({ progress, rate, onCancel }: Props) {
  const phase = progress ? (PHASES[progress.phase] ?? { label: progress.phase, unit: 'items' }) : null;
  const fraction = progress && progress.total > 0 ? progress.done / progress.total : 0;
  return (
    <div className="import-progress" data-testid="import-progress" data-value={fraction}>
      <div className="import-progress-line">
        {progress && phase ? (
          <span>
            {phase.label}: {count(progress.done)} / {count(progress.total)}
            {rate && rate.phase === progress.phase && ` · ${count(rate.perSecond)} ${phase.unit}/s`}
          </span>
        ) : (
          <span>Waiting for the worker to start the import…</span>
        )}
        <button type="button" data-testid="import-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {progress ? <progress value={progress.done} max={Math.max(1, progress.total)} /> : <progress />}
    </div>
  );
}
