// What a dataset is to the rest of the app: where it comes from, what the import found, and the class
// thumbnails the page shows. Plain types that import nothing, so the data layer, the worker, storage
// and the UI can all name them without importing the wire protocol.

export interface SkippedFile {
  name: string;
  reason: string;
}

export interface DatasetSummary {
  name: string;
  trainCount: number;
  testCount: number;
  imageSize: number;
  classNames: string[];
  trainPerClass: number[];
  skipped: SkippedFile[];
}

export type DatasetSource =
  | { kind: 'url'; name: string; trainUrl: string; testUrl: string }
  // paths[i], when given, is files[i]'s path under the dataset root: a dropped folder's files carry no
  // webkitRelativePath, only the entry path found while walking the folder.
  | { kind: 'files'; files: File[]; paths?: string[] }
  // A dataset kept in IndexedDB, decoded once and reloaded without re-importing.
  | { kind: 'stored'; id: string; name: string };

/** The natural-image OOD set: the built-in one by URL, or the user's files. */
export type OodSource = { kind: 'url'; name: string; url: string } | { kind: 'files'; files: File[] };

/** A few images per class, copied out of a decoded split (thumbnails.ts) for the dataset panel. */
export interface ClassThumbnails {
  size: number;
  /**
   * One group per class, in class order, then (label -1) the unlabelled images if there are any.
   * `count` images of each group lie back to back in `pixels`, group after group.
   */
  groups: { label: number; count: number }[];
  /** size*size*3 RGB bytes per image. */
  pixels: Uint8Array;
}
