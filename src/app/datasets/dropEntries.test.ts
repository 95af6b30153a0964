import { describe, expect, it } from 'vitest';
import { collectDropped, entriesFromDrop, type DirectoryEntryLike, type EntryLike, type FileEntryLike } from './dropEntries';

function fileEntry(fullPath: string, fail = false): FileEntryLike {
  const name = fullPath.split('/').pop() ?? '';
  return {
    isFile: true,
    isDirectory: false,
    name,
    fullPath,
    file: (ok, bad) => setTimeout(() => (fail ? bad?.(new DOMException('permission denied')) : ok(new File([fullPath], name)))),
  };
}

/** A folder whose reader hands out its children two at a time, as Chromium does in batches of 100. */
function dirEntry(fullPath: string, children: EntryLike[]): DirectoryEntryLike {
  return {
    isFile: false,
    isDirectory: true,
    name: fullPath.split('/').pop() ?? '',
    fullPath,
    createReader: () => {
      let next = 0;
      return {
        readEntries: (ok) =>
          setTimeout(() => {
            ok(children.slice(next, next + 2));
            next += 2;
          }),
      };
    },
  };
}

describe('collectDropped', () => {
  it('walks nested folders through every readEntries batch, keeping paths under the drop', async () => {
    const cats = dirEntry('/pets/cats', [fileEntry('/pets/cats/1.jpg'), fileEntry('/pets/cats/2.jpg'), fileEntry('/pets/cats/3.jpg')]);
    const dogs = dirEntry('/pets/dogs', [fileEntry('/pets/dogs/1.jpg')]);
    const pets = dirEntry('/pets', [cats, dogs, fileEntry('/pets/readme.txt')]);
    const dropped = await collectDropped([pets, fileEntry('/loose.png')]);
    expect(dropped.paths).toEqual([
      'pets/cats/1.jpg',
      'pets/cats/2.jpg',
      'pets/cats/3.jpg',
      'pets/dogs/1.jpg',
      'pets/readme.txt',
      'loose.png',
    ]);
    expect(dropped.files.map((f) => f.name)).toEqual(['1.jpg', '2.jpg', '3.jpg', '1.jpg', 'readme.txt', 'loose.png']);
    expect(await dropped.files[3].text()).toBe('/pets/dogs/1.jpg');
    expect(dropped.problems).toEqual([]);
  });

  it('reports an unreadable entry and goes on with the rest', async () => {
    const dropped = await collectDropped([dirEntry('/d', [fileEntry('/d/locked.png', true), fileEntry('/d/ok.png')])]);
    expect(dropped.paths).toEqual(['d/ok.png']);
    expect(dropped.problems).toEqual(['d/locked.png: could not be read (permission denied)']);
  });

  it('keeps loose files under their names and stops at the limit', async () => {
    const loose = [new File(['a'], 'a.png'), new File(['b'], 'b.png')];
    const dropped = await collectDropped([dirEntry('/d', [fileEntry('/d/1.png'), fileEntry('/d/2.png')])], loose, 3);
    expect(dropped.paths).toEqual(['a.png', 'b.png', 'd/1.png']);
    expect(dropped.problems).toEqual(['stopped after 3 files; 1 more dropped items were not read']);
  });
});

describe('entriesFromDrop', () => {
  const item = (entry: EntryLike | null, file: File | null) => ({ kind: 'file', webkitGetAsEntry: () => entry, getAsFile: () => file });

  it('takes entries where the browser gives them and the bare file where it does not', () => {
    const entry = fileEntry('/x.png');
    const file = new File(['y'], 'y.png');
    const data = { items: [item(entry, null), item(null, file), { kind: 'string' }], files: [] } as unknown as DataTransfer;
    expect(entriesFromDrop(data)).toEqual({ entries: [entry], loose: [file] });
  });

  it('falls back to the file list when there are no items', () => {
    const file = new File(['z'], 'z.png');
    const data = { items: [], files: [file] } as unknown as DataTransfer;
    expect(entriesFromDrop(data)).toEqual({ entries: [], loose: [file] });
  });
});
