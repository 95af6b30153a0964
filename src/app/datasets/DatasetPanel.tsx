// The dataset panel: the inputs, the replace confirmation, the running import, and what the current
// dataset holds (counts, classes with thumbnails, every skipped file with its reason), plus the OOD set.

import './datasets.css';
import type { TrainerSnapshot } from '../training/trainerStore';
import type { DatasetActions, DatasetUiState } from './datasetController';
import type { EvalActions } from '../eval/evalActions';
import { ClassThumbnails } from './ClassThumbnails';
import { DatasetInputs } from './DatasetInputs';
import { ImportProgress } from './ImportProgress';
import { OodInput } from './OodInput';
import { ReplaceDialog } from './ReplaceDialog';
import { SkippedList } from './SkippedList';

interface Props extends Pick<TrainerSnapshot, 'dataset' | 'progress'> {
  ui: DatasetUiState;
  ood: TrainerSnapshot['evals']['ood'];
  actions: DatasetActions & Pick<EvalActions, 'setOodFiles'>;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function DatasetPanel({ dataset, progress, ui, ood, actions }: Props) {
  return (
    <section className="panel dataset" aria-label="Dataset">
      <h2>Dataset</h2>
      <DatasetInputs importFiles={actions.importFiles} reportDropProblems={actions.reportDropProblems} />
      {ui.pendingReplace && <ReplaceDialog pending={ui.pendingReplace} onConfirm={actions.confirmReplace} onKeep={actions.keepDataset} />}
      {(progress || ui.importing > 0) && <ImportProgress progress={progress} rate={ui.rate} onCancel={actions.cancelImport} />}
      {dataset ? (
        <div className="dataset-summary">
          <p data-testid="dataset-summary" data-value={dataset.trainCount + dataset.testCount} data-import-seconds={ui.lastImport?.seconds}>
            <span className="dataset-name">{dataset.name}</span>: {fmt(dataset.trainCount + dataset.testCount)} images (
            {fmt(dataset.trainCount)} train + {fmt(dataset.testCount)} test) at {dataset.imageSize}×{dataset.imageSize}
            {ui.lastImport && <span className="import-time"> · imported in {ui.lastImport.seconds.toFixed(1)} s</span>}
          </p>
          <p data-testid="dataset-classes" data-value={dataset.classNames.length}>
            {dataset.classNames.length === 0
              ? 'Unlabelled (no classes); a few of its images:'
              : `${dataset.classNames.length} classes; training images per class:`}
          </p>
          {dataset.classNames.length < 2 && (
            <p className="needs-labels">
              The linear probe, kNN, robustness and calibration need at least two labelled classes (class folders, or a format that carries
              labels); on this data only bits/dim and OOD detection are measured.
            </p>
          )}
          <ClassThumbnails classNames={dataset.classNames} trainPerClass={dataset.trainPerClass} thumbnails={ui.thumbnails} />
          <SkippedList skipped={dataset.skipped} />
        </div>
      ) : (
        !progress && <p>No dataset loaded yet.</p>
      )}
      <OodInput ood={ood} setOodFiles={actions.setOodFiles} />
    </section>
  );
}
