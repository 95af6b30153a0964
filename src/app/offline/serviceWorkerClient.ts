// The page's side of the service worker (src/offline/serviceWorker.ts), in production builds only:
// registers it, reloads the page once when that makes the page cross-origin isolated (a host that
// sends no COOP/COEP headers), and says when a new version is waiting.

const RELOAD_FLAG = 'hybrid-lab-isolation-reload';
/** A first visit waits this long for the worker to cache the app and take over before starting anyway. */
const TAKEOVER_TIMEOUT_MS = 60_000;
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export interface OfflineStatus {
  /** A new version is installed and waits for the page to let it take over. */
  updateReady: boolean;
}

let status: OfflineStatus = { updateReady: false };
let waitingWorker: ServiceWorker | null = null;
const listeners = new Set<() => void>();

export const offlineStatus = {
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  getSnapshot: (): OfflineStatus => status,
};

function setStatus(next: OfflineStatus): void {
  status = next;
  for (const listener of listeners) listener();
}

function watchForUpdate(registration: ServiceWorkerRegistration): void {
  const watch = (worker: ServiceWorker | null) => {
    if (!worker) return;
    const check = () => {
      // With no controller this is the first install, not an update.
      if (worker.state === 'installed' && navigator.serviceWorker.controller) {
        waitingWorker = worker;
        setStatus({ updateReady: true });
      }
    };
    check();
    worker.addEventListener('statechange', check);
  };
  watch(registration.waiting);
  registration.addEventListener('updatefound', () => watch(registration.installing));
  setInterval(() => void registration.update().catch(() => undefined), UPDATE_CHECK_MS);
}

let registered: Promise<ServiceWorkerRegistration | null> | null = null;

/** Registers the worker once; later calls return the same registration. */
function register(): Promise<ServiceWorkerRegistration | null> {
  registered ??= registerOnce();
  return registered;
}

async function registerOnce(): Promise<ServiceWorkerRegistration | null> {
  try {
    const registration = await navigator.serviceWorker.register(new URL(`${import.meta.env.BASE_URL}sw.js`, window.location.href));
    watchForUpdate(registration);
    return registration;
  } catch (error) {
    // No offline use and no isolation from the worker; the backend badge says what that costs.
    console.warn(`The service worker could not be registered: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

function takenOver(timeoutMs: number): Promise<boolean> {
  if (navigator.serviceWorker.controller) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    navigator.serviceWorker.addEventListener(
      'controllerchange',
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      { once: true },
    );
  });
}

/**
 * Registers the service worker. Resolves 'reloading' when the page reloads to become cross-origin
 * isolated (then nothing else should start), else 'start'.
 */
export async function startServiceWorker(): Promise<'start' | 'reloading'> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return 'start';
  if (window.crossOriginIsolated) {
    // The host sends the headers: the worker is only for offline use, and registers once the app
    // has started (cacheWhenStarted), so its precache does not compete with the first load.
    sessionStorage.removeItem(RELOAD_FLAG);
    return 'start';
  }
  // One reload per tab: if the worker's headers did not isolate the page, another would not either.
  if (sessionStorage.getItem(RELOAD_FLAG)) {
    void register();
    return 'start';
  }
  if (!(await register()) || !(await takenOver(TAKEOVER_TIMEOUT_MS))) return 'start';
  sessionStorage.setItem(RELOAD_FLAG, '1');
  window.location.reload();
  return 'reloading';
}

/**
 * Called once the app has loaded its code, wasm and the built-in dataset: the precache that follows
 * then mostly revalidates what the browser's HTTP cache already holds.
 */
export function cacheWhenStarted(): void {
  if (import.meta.env.PROD && 'serviceWorker' in navigator) void register();
}

/** Lets the waiting version take over, then reloads into it. */
export function applyUpdate(): void {
  const worker = waitingWorker;
  if (!worker) return;
  navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true });
  worker.postMessage('skip-waiting');
}
