// A session's status as a small coloured badge.
import type { SessionStatus } from '../../../shared/domain';

const LABEL: Record<SessionStatus, string> = {
  recording: 'Recording',
  completed: 'Completed',
  'target-exited': 'Target exited',
  interrupted: 'Interrupted',
  failed: 'Failed',
};

export function StatusBadge({ status, title }: { status: SessionStatus; title?: string | null }) {
  return (
    <span className={`badge badge-${status}`} data-status={status} title={title ?? undefined}>
      {status === 'recording' && <span className="badge-dot" aria-hidden="true" />}
      {LABEL[status] ?? status}
    </span>
  );
}
