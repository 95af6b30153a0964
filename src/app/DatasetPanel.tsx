import type { TrainerSnapshot } from './trainerStore';

export function DatasetPanel({ dataset, progress }: Pick<TrainerSnapshot, 'dataset' | 'progress'>) {
  return (
    <section className="panel dataset" aria-label="Dataset">
      <h2>Dataset</h2>
      {progress && (
        <div data-testid="import-progress" data-value={progress.total ? progress.done / progress.total : 0}>
          {progress.phase}: {progress.done} / {progress.total}
          <progress value={progress.done} max={Math.max(1, progress.total)} />
        </div>
      )}
      {dataset ? (
        <div>
          <p data-testid="dataset-summary" data-value={dataset.trainCount + dataset.testCount}>
            {dataset.name}: {dataset.trainCount} train + {dataset.testCount} test images at {dataset.imageSize}×{dataset.imageSize}
          </p>
          <p data-testid="dataset-classes" data-value={dataset.classNames.length}>
            {dataset.classNames.length} classes: {dataset.classNames.join(', ')}
          </p>
          <p data-testid="dataset-skipped" data-value={dataset.skipped.length}>
            {dataset.skipped.length} files skipped
          </p>
          {dataset.skipped.length > 0 && (
            <ul className="skipped">
              {dataset.skipped.map((file) => (
                <li key={file.name}>
                  {file.name}: {file.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        !progress && <p>Loading the built-in dataset…</p>
      )}
    </section>
  );
}
