// Which files of a build the service worker precaches, and the version that names its cache. Pure
// (no file system) so it runs in the unit tests; vite/serviceWorkerPlugin.ts feeds it the built files.
//
// The app's files are found the way the browser finds them: start from index.html and follow every
// file whose path appears in the text of a file already reached (script and style links, chunk
// imports, the worker's URL, the wasm URLs inside the worker, the datasets' paths). So the benchmark
// pages and their workers, which index.html never names, are left out, and nothing the app loads is.

export interface BuiltFile {
  /** Relative to the build's root, with forward slashes. */
  path: string;
  /** The text of HTML, JS and CSS files; null for binaries, which name no other file. */
  text: string | null;
  /** A hash of the content, for the version. */
  hash: string;
}

export interface PrecacheManifest {
  version: string;
  files: string[];
}

/** The files reachable from `entry` by name, in a stable order. */
export function reachableFiles(files: readonly BuiltFile[], entry: string): string[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const reached = new Set<string>();
  const queue = byPath.has(entry) ? [entry] : [];
  while (queue.length > 0) {
    const current = queue.pop() as string;
    if (reached.has(current)) continue;
    reached.add(current);
    const text = byPath.get(current)?.text;
    if (!text) continue;
    for (const candidate of files) {
      if (reached.has(candidate.path)) continue;
      // Files under assets/ carry a content hash, so their base name is unique and is what chunks
      // write; public files (datasets/…, favicon.svg) are written with their path.
      const name = candidate.path.startsWith('assets/') ? candidate.path.slice('assets/'.length) : candidate.path;
      if (text.includes(name)) queue.push(candidate.path);
    }
  }
  return [...reached].sort();
}

/** FNV-1a over the paths and hashes of the precached files: a new build of any of them is a new version. */
export function manifestVersion(files: readonly BuiltFile[], paths: readonly string[]): string {
  const byPath = new Map(files.map((f) => [f.path, f.hash]));
  let h = 0x811c9dc5;
  for (const path of paths) {
    for (const ch of `${path}:${byPath.get(path) ?? ''};`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function precacheManifest(files: readonly BuiltFile[], entry = 'index.html'): PrecacheManifest {
  const paths = reachableFiles(files, entry);
  return { version: manifestVersion(files, paths), files: paths };
}
