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
        // Focusable: a long list scrolls, and the keyboard scrolls it once it has focus.
        <ul className="skipped" tabIndex={0} aria-label="Skipped files and why">
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
