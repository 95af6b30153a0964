// Asks before a new dataset replaces the one that runs are training on: those runs are reset.

import type { DatasetUiState } from './datasetController';

interface Props {
  pending: NonNullable<DatasetUiState['pendingReplace']>;
  onConfirm(): void;
  onKeep(): void;
}

export function ReplaceDialog({ pending, onConfirm, onKeep }: Props) {
  const runs = `${pending.runs} run${pending.runs === 1 ? '' : 's'}`;
  return (
    <div className="replace-dialog" role="alertdialog" aria-labelledby="replace-title" data-testid="replace-dialog">
      <p id="replace-title">
        Replace the dataset with <strong>{pending.label}</strong>? This deletes {runs} trained on the current data and starts one fresh run
        on the new data. An import you cancel changes nothing.
      </p>
      <div className="buttons">
        <button type="button" data-testid="replace-confirm" onClick={onConfirm}>
          Replace and reset runs
        </button>
        <button type="button" data-testid="replace-keep" onClick={onKeep}>
          Keep current dataset
        </button>
      </div>
    </div>
  );
}
