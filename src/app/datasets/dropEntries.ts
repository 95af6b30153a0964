// What a drop holds: loose files and whole folders. A dropped folder is only reachable through the
// File and Directory Entries API (DataTransferItem.webkitGetAsEntry), walked here into File objects
// with their paths under the drop, so a dropped `pets/cats/1.jpg` keeps its class folder.
// No bytes are read here: the worker reads each File when it gets to it.

/** The parts of FileSystemEntry the walk uses, so tests can give fakes. */
export interface EntryLike {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
  /** '/pets/cats/1.jpg' for a dropped 'pets' folder. */
  readonly fullPath: string;
}

export interface FileEntryLike extends EntryLike {
  file(success: (file: File) => void, failure?: (error: DOMException) => void): void;
}

export interface DirectoryEntryLike extends EntryLike {
  createReader(): { readEntries(success: (entries: EntryLike[]) => void, failure?: (error: DOMException) => void): void };
}

export interface DroppedFiles {
  files: File[];
  /** paths[i] is files[i]'s path relative to the drop ('pets/cats/1.jpg'). */
  paths: string[];
  /** One line per entry that could not be read, or for the files left unwalked past the limit. */
  problems: string[];
}

/** More than the importer's file limit is never useful; stop walking instead of holding a million handles. */
export const MAX_DROPPED_FILES = 200_000;

/**
 * Must run synchronously inside the drop handler: the DataTransfer is emptied when the event ends.
 * Items with no entry (a synthetic DataTransfer, some browsers) fall back to their File.
 */
export function entriesFromDrop(data: DataTransfer): { entries: EntryLike[]; loose: File[] } {
  const entries: EntryLike[] = [];
  const loose: File[] = [];
  const items = Array.from(data.items ?? []).filter((item) => item.kind === 'file');
  for (const item of items) {
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (items.length === 0) loose.push(...Array.from(data.files ?? []));
  return { entries, loose };
}

const isFileEntry = (e: EntryLike): e is FileEntryLike => e.isFile;
const isDirectoryEntry = (e: EntryLike): e is DirectoryEntryLike => e.isDirectory;
const relative = (fullPath: string, name: string) => fullPath.replace(/^\/+/, '') || name;
const describeError = (e: unknown) => (e instanceof Error ? e.message : String(e));

function fileOf(entry: FileEntryLike): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** Every child of a folder: readEntries hands them out in batches (100 in Chromium) until it returns none. */
async function childrenOf(entry: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = entry.createReader();
  const all: EntryLike[] = [];
  for (;;) {
    const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** Walks the dropped entries depth first, in the order given, into files with their relative paths. */
export async function collectDropped(entries: EntryLike[], loose: File[] = [], limit = MAX_DROPPED_FILES): Promise<DroppedFiles> {
  const out: DroppedFiles = { files: [], paths: [], problems: [] };
  let unwalked = 0;
  const add = (file: File, path: string) => {
    out.files.push(file);
    out.paths.push(path);
  };
  for (const file of loose) {
    if (out.files.length < limit) add(file, file.name);
    else unwalked++;
  }
  const visit = async (entry: EntryLike): Promise<void> => {
    if (out.files.length >= limit) {
      unwalked++;
      return;
    }
    const path = relative(entry.fullPath, entry.name);
    try {
      if (isFileEntry(entry)) add(await fileOf(entry), path);
      else if (isDirectoryEntry(entry)) for (const child of await childrenOf(entry)) await visit(child);
    } catch (error) {
      out.problems.push(`${path}: could not be read (${describeError(error)})`);
    }
  };
  for (const entry of entries) await visit(entry);
  if (unwalked > 0) out.problems.push(`stopped after ${limit} files; ${unwalked} more dropped items were not read`);
  return out;
}
