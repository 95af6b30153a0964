import type { TrainerSnapshot } from '../training/trainerStore';

export function BackendBadge({ backend }: { backend: TrainerSnapshot['backend'] }) {
  return (
    <div className="backend-badge" title={backend?.adapter ?? undefined}>
      <span className="badge-label">backend</span>
      <strong data-testid="backend-name">{backend?.name ?? 'starting…'}</strong>
      {backend && <span className="badge-reason">{backend.reason}</span>}
    </div>
  );
}
