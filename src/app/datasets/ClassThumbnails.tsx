// Per-class counts with a few sample images each, drawn from the RGB bytes the worker sent.

import type { ClassThumbnails as Thumbs } from '../../data/datasetTypes';
import { Thumbnail } from '../common/Thumbnail';

interface Props {
  classNames: string[];
  trainPerClass: number[];
  thumbnails: Thumbs | null;
}

export function ClassThumbnails({ classNames, trainPerClass, thumbnails }: Props) {
  // Where each group's images start in the pixel block.
  let offset = 0;
  const groups = (thumbnails?.groups ?? []).map((group) => {
    const start = offset;
    offset += group.count;
    return { ...group, start };
  });
  const rows =
    classNames.length > 0
      ? classNames.map((name, label) => ({
          key: `c${label}`,
          name,
          count: trainPerClass[label] ?? 0,
          group: groups.find((g) => g.label === label),
        }))
      : groups.filter((g) => g.label === -1).map((g) => ({ key: 'unlabelled', name: 'unlabelled', count: null, group: g }));
  return (
    // Focusable: the list scrolls, and a keyboard user scrolls it with the arrow keys once it has focus.
    <ul className="class-list" tabIndex={0} aria-label="Classes, with training images per class and examples">
      {rows.map((row) => (
        <li key={row.key} className="class-row">
          <span className="class-name" title={row.name}>
            {row.name}
          </span>
          {row.count !== null && <span className="class-count">{row.count.toLocaleString('en-US')}</span>}
          {thumbnails && row.group && (
            <ThumbStrip thumbnails={thumbnails} start={row.group.start} count={row.group.count} title={row.name} />
          )}
        </li>
      ))}
    </ul>
  );
}

function ThumbStrip({ thumbnails, start, count, title }: { thumbnails: Thumbs; start: number; count: number; title: string }) {
  return (
    <span className="class-thumbs">
      {Array.from({ length: count }, (_, i) => (
        <Thumbnail
          key={i}
          pixels={thumbnails.pixels}
          index={start + i}
          size={thumbnails.size}
          scale={thumbScale(thumbnails.size)}
          title={title}
        />
      ))}
    </span>
  );
}

/** About 28 CSS pixels whatever the image size: 16 px images at 2x, 28 px at 1x. */
function thumbScale(size: number): number {
  return Math.max(1, Math.round(28 / size));
}
