// Facts the captures left for people (OTLP endpoint, trace categories, warnings), under the header.
import { useState } from 'react';

const LABEL: Record<string, string> = {
  'otlp.endpoint': 'OTLP endpoint',
  'trace.categories.available': 'Trace categories offered',
  'trace.categories': 'Trace categories recorded',
};

function isWarning(key: string): boolean {
  return /warn|error|fail|drop|refus|skip/i.test(key);
}

export function SessionNotes({ notes }: { notes: Record<string, string> }) {
  const [open, setOpen] = useState(false);
  const entries = Object.entries(notes).sort(([a], [b]) => Number(isWarning(b)) - Number(isWarning(a)) || a.localeCompare(b));
  if (entries.length === 0) return null;
  const warnings = entries.filter(([key]) => isWarning(key));
  const endpoint = notes['otlp.endpoint'];
  return (
    <div className="session-notes" data-testid="session-notes">
      {warnings.map(([key, value]) => (
        <p key={key} className="note-warning" role="status" title={key}>
          {value}
        </p>
      ))}
      <div className="note-line">
        {endpoint && (
          <span className="note-endpoint" title="Set this in an attached target so its OpenTelemetry exporters send here">
            OTLP: <code data-testid="note-otlp-endpoint">OTEL_EXPORTER_OTLP_ENDPOINT={endpoint}</code>
          </span>
        )}
        <button type="button" className="btn btn-small btn-quiet" aria-expanded={open} data-testid="notes-toggle" onClick={() => setOpen(!open)}>
          {open ? 'Hide notes' : `Notes (${entries.length})`}
        </button>
      </div>
      {open && (
        <dl className="notes-list">
          {entries.map(([key, value]) => (
            <div key={key}>
              <dt>{LABEL[key] ?? key}</dt>
              <dd className="mono">{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
