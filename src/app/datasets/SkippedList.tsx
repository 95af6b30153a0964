// Every file the import left out, each with its one-line reason, behind a <details> so a long list
// stays out of the way. Names are rendered as text, never as HTML.

import type { SkippedFile } from '../../data/datasetTypes';

export function SkippedList({ skipped }: { skipped: SkippedFile[] }) {
  const n = skipped.length;
  return (
    <details className="skipped-files" data-testid="dataset-skipped" data-value={n}>
      <summary>
        {n} file{n === 1 ? '' : 's'} skipped
      </summary>
      {n > 0 && (
        <ul className="skipped">
          {skipped.map((file, i) => (
            <li key={i}>
              <span className="skipped-name">{file.name}</span>: {file.reason}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
