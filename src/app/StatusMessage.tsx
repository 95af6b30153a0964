import type { StatusLine } from './trainerStore';

export function StatusMessage({ status }: { status: StatusLine }) {
  return (
    <p className={`status status-${status.kind}`} data-testid="status-message" role={status.kind === 'error' ? 'alert' : 'status'}>
      {status.text}
    </p>
  );
}
