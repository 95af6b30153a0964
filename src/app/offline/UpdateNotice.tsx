// "A new version is available": shown when the service worker has installed a newer build.

import { useSyncExternalStore } from 'react';
import { applyUpdate, offlineStatus } from './serviceWorkerClient';

export function UpdateNotice() {
  const { updateReady } = useSyncExternalStore(offlineStatus.subscribe, offlineStatus.getSnapshot);
  if (!updateReady) return null;
  return (
    <div className="status status-line update-notice" role="status" data-testid="update-notice">
      <span>A new version of Hybrid Lab is available. Runs resume from their last checkpoint after the reload.</span>
      <button data-testid="update-reload" onClick={applyUpdate}>
        Reload
      </button>
    </div>
  );
}
