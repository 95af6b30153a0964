// The second importer: the out-of-distribution set the evaluations compare the test set against.
// The worker decodes it at the model's image size when an evaluation needs it.

import type { OodSetInfo } from '../../eval/evalTypes';

interface Props {
  ood: OodSetInfo | null;
  setOodFiles(files: File[]): void;
}

function describeOod(ood: OodSetInfo): string {
  if (ood.state === 'failed') return `${ood.name}: could not be used (${ood.error ?? 'unknown error'})`;
  if (ood.state === 'ready') return `${ood.name}: ${ood.imageCount ?? 0} images${ood.skipped ? `, ${ood.skipped} skipped` : ''}`;
  if (ood.state === 'loading') return `${ood.name}: decoding…`;
  return `${ood.name}: decoded when an evaluation needs it`;
}

export function OodInput({ ood, setOodFiles }: Props) {
  return (
    <div className="ood-input">
      <label className="file-pick">
        Out-of-distribution set
        <input
          type="file"
          multiple
          data-testid="ood-files"
          onChange={(e) => {
            const files = Array.from(e.currentTarget.files ?? []);
            e.currentTarget.value = '';
            if (files.length > 0) setOodFiles(files);
          }}
        />
      </label>
      {ood && (
        <p className="ood-status" data-testid="ood-status">
          {describeOod(ood)}
          {ood.origin === 'imported' && (
            <button type="button" className="link-button" onClick={() => setOodFiles([])}>
              use the built-in set
            </button>
          )}
        </p>
      )}
    </div>
  );
}
