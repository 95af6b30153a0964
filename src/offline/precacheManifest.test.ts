import { describe, expect, it } from 'vitest';
import { precacheManifest, reachableFiles, type BuiltFile } from './precacheManifest';

const file = (path: string, text: string | null, hash = path): BuiltFile => ({ path, text, hash });

// A build like the real one: the app, a benchmark page with its own worker, and public files.
const build: BuiltFile[] = [
  file('index.html', '<link rel="icon" href="./favicon.svg"><script src="./assets/main-A1.js"></script>'),
  file(
    'assets/main-A1.js',
    'import"./shared-S1.js";new URL(`worker-W1.js`,import.meta.url);f(`datasets/train.zip`);import(`./Eval-E1.js`)',
  ),
  file('assets/shared-S1.js', 'export const react = 1;'),
  file('assets/Eval-E1.js', 'import"./shared-S1.js"'),
  file('assets/worker-W1.js', 'new URL(`tfjs-simd-X1.wasm`,import.meta.url)'),
  file('assets/tfjs-simd-X1.wasm', null),
  file('bench.html', '<script src="./assets/bench-B1.js"></script>'),
  file('assets/bench-B1.js', 'import"./shared-S1.js";new URL(`worker-W2.js`,import.meta.url)'),
  file('assets/worker-W2.js', 'new URL(`tfjs-simd-X1.wasm`,import.meta.url)'),
  file('datasets/train.zip', null),
  file('datasets/unused.zip', null),
  file('favicon.svg', null),
];

describe('reachableFiles', () => {
  it('follows names from index.html through chunks, the worker and its wasm, and leaves the benchmark page out', () => {
    expect(reachableFiles(build, 'index.html')).toEqual([
      'assets/Eval-E1.js',
      'assets/main-A1.js',
      'assets/shared-S1.js',
      'assets/tfjs-simd-X1.wasm',
      'assets/worker-W1.js',
      'datasets/train.zip',
      'favicon.svg',
      'index.html',
    ]);
  });

  it('is empty without the entry', () => {
    expect(reachableFiles(build, 'missing.html')).toEqual([]);
  });
});

describe('precacheManifest', () => {
  it('changes its version when a precached file changes, not when a file it leaves out does', () => {
    const base = precacheManifest(build);
    const changedApp = build.map((f) => (f.path === 'datasets/train.zip' ? { ...f, hash: 'new' } : f));
    const changedBench = build.map((f) => (f.path === 'assets/worker-W2.js' ? { ...f, hash: 'new' } : f));
    expect(base.version).toMatch(/^[0-9a-f]{8}$/);
    expect(precacheManifest(changedApp).version).not.toBe(base.version);
    expect(precacheManifest(changedBench)).toEqual(base);
  });
});
