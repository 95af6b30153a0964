// The three ways in: a drop zone (files and whole folders), a multi-file input and a folder input.
// Each hands File handles and their paths to the actions; nothing is read on this thread.

import { useEffect, useState, type DragEvent } from 'react';
import { collectDropped, entriesFromDrop } from './dropEntries';
import type { DatasetActions } from './datasetController';

type Props = Pick<DatasetActions, 'importFiles' | 'reportDropProblems'>;

/** Takes the picked files and empties the input, so picking the same file again still fires. */
function takeFiles(input: HTMLInputElement): File[] {
  const files = Array.from(input.files ?? []);
  input.value = '';
  return files;
}

export function DatasetInputs({ importFiles, reportDropProblems }: Props) {
  const [over, setOver] = useState(false);
  const [walking, setWalking] = useState(false);

  // A file dropped beside the zone would make the browser open it in place of the app, losing every
  // run: files dropped anywhere else on the page are refused instead.
  useEffect(() => {
    const refuse = (event: globalThis.DragEvent) => {
      // The zone's own handlers ran first (React listens below window) and took the drop.
      if (event.defaultPrevented || !event.dataTransfer?.types.includes('Files')) return;
      // Other file inputs (the OOD set, run import) take drops themselves.
      if (event.target instanceof HTMLInputElement && event.target.type === 'file') return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'none';
    };
    window.addEventListener('dragover', refuse);
    window.addEventListener('drop', refuse);
    return () => {
      window.removeEventListener('dragover', refuse);
      window.removeEventListener('drop', refuse);
    };
  }, []);

  const onDragOver = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setOver(true);
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    // The entries must be taken now: the DataTransfer is emptied when this handler returns.
    const { entries, loose } = entriesFromDrop(event.dataTransfer);
    setWalking(true);
    void collectDropped(entries, loose)
      .then((dropped) => {
        reportDropProblems(dropped.problems);
        importFiles(dropped.files, dropped.paths);
      })
      .catch((error: unknown) =>
        reportDropProblems([`the drop could not be read (${error instanceof Error ? error.message : String(error)})`]),
      )
      .finally(() => setWalking(false));
  };

  return (
    <div
      className={`drop-zone${over ? ' drop-over' : ''}`}
      data-testid="dataset-drop"
      onDragOver={onDragOver}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p className="drop-hint">
        {walking ? 'Reading the dropped folders…' : 'Drop images, folders, zips, CIFAR .bin or MNIST IDX files here'}
      </p>
      <label className="file-pick">
        Files
        <input type="file" multiple data-testid="dataset-files" onChange={(e) => importFiles(takeFiles(e.currentTarget))} />
      </label>
      <label className="file-pick">
        Folder
        <input
          type="file"
          data-testid="dataset-folder"
          // React has no typed prop for webkitdirectory; set it on the element itself.
          ref={(input) => input?.setAttribute('webkitdirectory', '')}
          onChange={(e) => importFiles(takeFiles(e.currentTarget))}
        />
      </label>
    </div>
  );
}
