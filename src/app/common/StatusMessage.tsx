import type { StatusAction, StatusLine } from './statusLine';

export function StatusMessage({ status, onAction }: { status: StatusLine; onAction?: (action: StatusAction) => void }) {
  const action = status.action;
  return (
    <div className="status-line">
      <p className={`status status-${status.kind}`} data-testid="status-message" role={status.kind === 'error' ? 'alert' : 'status'}>
        {status.text}
      </p>
      {action && onAction && (
        <button
          type="button"
          data-testid="status-action"
          data-run-id={action.runId}
          data-value={action.lr}
          onClick={() => onAction(action)}
        >
          {action.label}
        </button>
      )}
    </div>
  );
}
