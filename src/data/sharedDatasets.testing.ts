// Helpers for tests that read the shared datasets (../../../shared/datasets from this folder).

import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { strToU8 } from 'fflate';
import type { ImportInput } from './importTypes';

export const DATASETS = path.resolve(__dirname, '../../../shared/datasets');

export function readShared(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(DATASETS, rel)));
}

/** A shared file as an import input named by its base name (like a single dropped file). */
export function input(rel: string): ImportInput {
  return { path: path.basename(rel), bytes: readShared(rel) };
}

/** Every file under a shared folder, with paths relative to it (like a folder pick). */
export function folderInputs(rel: string): ImportInput[] {
  const root = path.join(DATASETS, rel);
  const out: ImportInput[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push({ path: path.relative(path.dirname(root), full).split(path.sep).join('/'), bytes: new Uint8Array(readFileSync(full)) });
    }
  };
  walk(root);
  return out;
}

/** A structurally complete PNG that declares any size (IDAT is a stub: only the header is read). */
export function pngOfSize(w: number, h: number): Uint8Array {
  const chunk = (type: string, data: number[]) => {
    const len = data.length;
    return [len >>> 24, (len >>> 16) & 255, (len >>> 8) & 255, len & 255, ...strToU8(type), ...data, 0, 0, 0, 0];
  };
  const be = (v: number) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  return new Uint8Array([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...chunk('IHDR', [...be(w), ...be(h), 8, 2, 0, 0, 0]),
    ...chunk('IDAT', [0x78, 0x9c]),
    ...chunk('IEND', []),
  ]);
}
