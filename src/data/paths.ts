// Path hygiene for dropped files and zip entries. A path is split into segments; anything that could
// climb out of the dataset root ('..', absolute, drive letters) is refused rather than "fixed", because
// a fixed path would invent a class folder the dataset never had.

export type PathCheck =
  | { kind: 'ok'; segments: string[] }
  | { kind: 'ignore' } // junk: never reported (macOS metadata, dotfiles, directories)
  | { kind: 'unsafe'; reason: string };

export function checkPath(raw: string): PathCheck {
  // Windows zips sometimes use backslashes; treat them as separators so they cannot hide a '..'.
  const p = raw.replace(/\\/g, '/');
  if (p.endsWith('/')) return { kind: 'ignore' };
  if (p.startsWith('/'))
    return { kind: 'unsafe', reason: 'absolute path inside the archive; refused so it cannot escape the dataset root' };
  if (/^[A-Za-z]:/.test(p))
    return { kind: 'unsafe', reason: 'drive-letter path inside the archive; refused so it cannot escape the dataset root' };
  const segments = p.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { kind: 'unsafe', reason: "path contains '..'; refused so it cannot escape the dataset root" };
  if (segments.length === 0) return { kind: 'ignore' };
  if (segments.some((s) => s === '__MACOSX' || s.startsWith('.'))) return { kind: 'ignore' };
  const base = segments[segments.length - 1];
  if (base === 'Thumbs.db' || base === 'desktop.ini') return { kind: 'ignore' };
  return { kind: 'ok', segments };
}

export function baseName(segments: string[]): string {
  return segments[segments.length - 1] ?? '';
}

/** 'a/b/c.zip' -> 'c' : the folder a zip's contents are mounted at. */
export function stripExt(name: string): string {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(0, i) : name;
}

export function extOf(name: string): string {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(i + 1).toLowerCase() : '';
}
