// The banner shown when the engine can no longer be reached.
import { useConnection } from '../../api/connection-status';

export function ConnectionBanner() {
  const lostReason = useConnection((state) => state.lostReason);
  if (!lostReason) return null;
  return (
    <div className="connection-banner" role="alert" data-testid="connection-lost">
      <strong>{lostReason}</strong>
      <span>Reload this page once Parallax is running again.</span>
      <button type="button" className="btn btn-small" onClick={() => window.location.reload()}>
        Reload
      </button>
    </div>
  );
}
