// The Attach view: pick a local Node.js process (or an inspector address) and record it.
import { DEFAULT_SIGNALS } from '../../../shared/domain';
import { useEffect, useState } from 'react';
import { useAttach } from '../../state/attach';
import { AttachForm } from './AttachForm';
import type { AttachFields } from './parse-target';
import { ProcessTable } from './ProcessTable';
import { RecordingPanel } from './RecordingPanel';

const INITIAL_FIELDS: AttachFields = {
  kind: 'pid',
  pid: '',
  hostPort: '',
  wsUrl: '',
  name: '',
  durationSec: '',
  intervalUs: '1000',
  signals: [...DEFAULT_SIGNALS],
};

export function AttachView({ onClose }: { onClose(): void }) {
  const [fields, setFields] = useState<AttachFields>(INITIAL_FIELDS);
  const refreshProcesses = useAttach((state) => state.refreshProcesses);
  useEffect(() => {
    void refreshProcesses();
  }, [refreshProcesses]);
  const selectedPid = fields.kind === 'pid' && /^\d+$/.test(fields.pid.trim()) ? Number(fields.pid.trim()) : null;

  return (
    <section className="attach-view" aria-label="Attach">
      <header className="view-header">
        <div>
          <h1>Attach to a Node.js process</h1>
          <p className="muted">
            Parallax opens the target&apos;s inspector (SIGUSR1 for a PID) and records CPU samples, logs and runtime metrics.
          </p>
        </div>
        <button type="button" className="btn" onClick={onClose} data-testid="close-attach">
          Close
        </button>
      </header>
      <div className="attach-body">
        <ProcessTable selectedPid={selectedPid} onChoose={(pid) => setFields({ ...fields, kind: 'pid', pid: String(pid) })} />
        <div className="attach-side">
          <AttachForm fields={fields} onChange={setFields} />
          <RecordingPanel />
        </div>
      </div>
    </section>
  );
}
