import type { TrainerSnapshot } from '../training/trainerStore';
import { kernelDetails } from './backendDetails';

/** Where the README explains how to serve the app with the isolation headers (copied into the build). */
const DEPLOY_HELP = 'README.md#deploy';

export function BackendBadge({ backend }: { backend: TrainerSnapshot['backend'] }) {
  const kernels = backend ? kernelDetails(backend.kernels) : null;
  // Without cross-origin isolation there is no SharedArrayBuffer, so tfjs runs its single-threaded wasm.
  const singleThreaded = backend?.name === 'wasm' && !window.crossOriginIsolated;
  return (
    <div className="backend-badge" title={backend?.adapter ?? undefined}>
      <span className="badge-label">backend</span>
      <strong data-testid="backend-name">{backend?.name ?? 'starting…'}</strong>
      {backend && <span className="badge-reason">{backend.reason}</span>}
      {kernels && (
        <span className="badge-kernels" data-testid="backend-kernels">
          {kernels}
        </span>
      )}
      {singleThreaded && (
        <span className="badge-warning" data-testid="backend-isolation">
          wasm, 1 thread: this page is not cross-origin isolated (
          <a href={DEPLOY_HELP} target="_blank" rel="noreferrer">
            how to fix
          </a>
          )
        </span>
      )}
    </div>
  );
}
