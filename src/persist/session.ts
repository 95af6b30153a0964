// Opens this tab's storage. Two tabs writing the same runs would overwrite each other's checkpoints,
// so only the tab holding the Web Lock saves; another tab still reads (restores) and says why it
// does not save. The lock is released by the browser when the tab (its worker) goes away; a reload
// briefly overlaps the old page, hence the wait before giving up.

import type { Dataset } from '../data/store';
import { LabStore, type RunStore } from './db';

const LOCK_NAME = 'hybrid-lab-storage';
const LOCK_WAIT_MS = 5000;

export interface SessionStore {
  /** For reading what was saved; null without IndexedDB. */
  reader: RunStore | null;
  /** False: this tab must not write (see reason). */
  writable: boolean;
  reason: string | null;
  /** Said once in the status line when storage is not used. */
  notice: string | null;
}

let shared: LabStore | null = null;

/** Resolves whether the lock came within the wait; `late` runs if it comes after that. */
function holdLock(late: () => void): Promise<boolean> {
  const locks = (self.navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return Promise.resolve(true); // no Web Locks: one tab is the common case, save anyway
  return new Promise((resolve) => {
    let waited = false;
    const timer = setTimeout(() => {
      waited = true;
      resolve(false);
    }, LOCK_WAIT_MS);
    void locks.request(LOCK_NAME, () => {
      clearTimeout(timer);
      if (waited) late();
      else resolve(true);
      // Held for the life of this worker.
      return new Promise<void>(() => undefined);
    });
  });
}

/** `late` is called if the other tab goes away after the wait: this tab may save from then on. */
export async function openSessionStore(late: () => void): Promise<SessionStore> {
  if (typeof indexedDB === 'undefined') {
    return {
      reader: null,
      writable: false,
      reason: 'IndexedDB is not available here',
      notice: 'This browser offers no IndexedDB here (private mode?): runs will not survive a reload.',
    };
  }
  let store: LabStore;
  try {
    store = await LabStore.open();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      reader: null,
      writable: false,
      reason: `IndexedDB could not be opened: ${detail}`,
      notice: `Storage could not be opened (${detail}): runs will not survive a reload.`,
    };
  }
  shared = store;
  if (!(await holdLock(late))) {
    return {
      reader: store,
      writable: false,
      reason: 'another Hybrid Lab tab is saving runs',
      notice: 'Another Hybrid Lab tab owns the saved runs: this tab does not save. Close the other tab and reload to save here.',
    };
  }
  return { reader: store, writable: true, reason: null, notice: null };
}

/** A dataset saved earlier in IndexedDB, as the worker's dataset loader needs it. */
export async function loadStoredDataset(id: string, name: string, imageSize: number): Promise<Dataset> {
  if (!shared) throw new Error(`the stored dataset ${name} cannot be read: storage is not open`);
  const dataset = await shared.loadDataset(id);
  if (!dataset) throw new Error(`the stored dataset ${name} is no longer in storage`);
  if (dataset.train.size !== imageSize)
    throw new Error(`${name} is stored at ${dataset.train.size}px, not ${imageSize}px: import its files again at this size`);
  return dataset;
}
