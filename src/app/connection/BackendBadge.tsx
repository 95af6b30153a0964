import type { TrainerSnapshot } from '../training/trainerStore';
import { kernelDetails } from './backendDetails';

export function BackendBadge({ backend }: { backend: TrainerSnapshot['backend'] }) {
  const kernels = backend ? kernelDetails(backend.kernels) : null;
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
    </div>
  );
}
