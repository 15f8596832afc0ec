// Placeholders a panel shows instead of data: loading skeleton, empty message, error message.
import type { ReactNode } from 'react';

export function PanelLoading({ label, rows = 4 }: { label: string; rows?: number }) {
  return (
    <div className="panel-state" role="status" aria-live="polite" data-testid="panel-loading">
      <span className="visually-hidden">{label}</span>
      <div className="skeleton-stack" aria-hidden="true">
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="skeleton-bar" style={{ width: `${90 - i * 14}%` }} />
        ))}
      </div>
    </div>
  );
}

export function PanelEmpty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="panel-state panel-empty" data-testid="panel-empty">
      <div className="panel-state-title">{title}</div>
      {children && <div className="panel-state-detail">{children}</div>}
    </div>
  );
}

export function PanelError({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="panel-state panel-error" role="alert" data-testid="panel-error">
      <div className="panel-state-title">{message}</div>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
