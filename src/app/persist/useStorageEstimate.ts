// The browser's view of this origin's storage: bytes used, the quota, and whether it is persistent
// (kept under storage pressure). navigator.storage.persist() exists only on the page, not in workers.

import { useCallback, useEffect, useState } from 'react';

export interface StorageEstimateView {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
  /** The answer to the last request for persistent storage, in words. */
  persistNote: string | null;
}

async function readEstimate(): Promise<Pick<StorageEstimateView, 'usage' | 'quota' | 'persisted'> | null> {
  const storage = navigator.storage;
  if (!storage?.estimate) return null;
  const [{ usage, quota }, persisted] = await Promise.all([
    storage.estimate(),
    storage.persisted ? storage.persisted() : Promise.resolve(null),
  ]);
  return { usage: usage ?? null, quota: quota ?? null, persisted };
}

export function useStorageEstimate(refreshKey: unknown): { estimate: StorageEstimateView; requestPersist: () => void } {
  const [estimate, setEstimate] = useState<StorageEstimateView>({ usage: null, quota: null, persisted: null, persistNote: null });
  // Re-read whenever the worker reports a change in what is stored.
  useEffect(() => {
    let live = true;
    void readEstimate().then((read) => {
      if (live && read) setEstimate((old) => ({ ...old, ...read }));
    });
    return () => {
      live = false;
    };
  }, [refreshKey]);
  const requestPersist = useCallback(() => {
    const storage = navigator.storage;
    if (!storage?.persist) {
      setEstimate((old) => ({ ...old, persistNote: 'This browser cannot make storage persistent.' }));
      return;
    }
    void storage.persist().then((granted) => {
      setEstimate((old) => ({
        ...old,
        persisted: granted,
        persistNote: granted
          ? 'Storage is persistent: the browser will not evict saved runs to free space.'
          : 'The browser declined (it decides by how much the site is used); saved runs may be evicted under storage pressure.',
      }));
      void readEstimate().then((read) => read && setEstimate((old) => ({ ...old, ...read })));
    });
  }, []);
  return { estimate, requestPersist };
}
