// "Export…" in the session header: choose the format and whether to redact, then save the file
// (a save dialog on the desktop, a download in a browser). Progress and errors show in place.
import { useState } from 'react';
import { type ExportFormat, isWindowExportFormat, WINDOW_EXPORT_FORMATS } from '../../../shared/api';
import { messageOf } from '../../../shared/errors';
import { api } from '../../state/api';

const FORMATS = Object.entries(WINDOW_EXPORT_FORMATS).map(([value, f]) => ({ value: value as ExportFormat, label: f.label }));

type Status = { state: 'idle' } | { state: 'exporting' } | { state: 'done' } | { state: 'error'; message: string };

export function ExportControl({ sessionId, disabled }: { sessionId: string; disabled: boolean }) {
  const [open, setOpen] = useState(false);
  const [format, setFormat] = useState<ExportFormat>('bundle');
  const [redact, setRedact] = useState(true);
  const [status, setStatus] = useState<Status>({ state: 'idle' });

  const redacts = WINDOW_EXPORT_FORMATS[format].redacts;

  const start = async () => {
    setStatus({ state: 'exporting' });
    try {
      const saved = await api.exportSession(sessionId, { format, redact: redact && redacts });
      setStatus(saved ? { state: 'done' } : { state: 'idle' });
    } catch (error) {
      setStatus({ state: 'error', message: messageOf(error) });
    }
  };

  return (
    <div className="export-control">
      <button
        type="button"
        className="btn btn-small btn-quiet"
        aria-expanded={open}
        data-testid="session-export"
        disabled={disabled}
        title={disabled ? 'Stop the recording to export it' : 'Save this session as a file'}
        onClick={() => {
          setOpen(!open);
          setStatus({ state: 'idle' });
        }}
      >
        Export…
      </button>
      {open && (
        <div className="export-popover" role="dialog" aria-label="Export session" data-testid="export-popover">
          <label className="export-field">
            <span>Format</span>
            <select className="input" value={format} data-testid="export-format" onChange={(e) => isWindowExportFormat(e.target.value) && setFormat(e.target.value)}>
              {FORMATS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
            <small data-testid="export-format-hint">{WINDOW_EXPORT_FORMATS[format].hint}</small>
          </label>
          <label className="export-check">
            <input type="checkbox" checked={redact && redacts} disabled={!redacts} data-testid="export-redact" onChange={(e) => setRedact(e.target.checked)} />
            <span>
              Redact secrets
              <small>{redacts ? 'environment variables, auth headers, tokens and keys' : 'nothing to redact: function names and files only'}</small>
            </span>
          </label>
          <div className="export-actions">
            <button type="button" className="btn btn-small btn-primary" data-testid="export-start" disabled={status.state === 'exporting'} onClick={() => void start()}>
              {status.state === 'exporting' ? 'Exporting…' : 'Export'}
            </button>
            <button type="button" className="btn btn-small" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
          {status.state === 'done' && (
            <p className="export-status" data-testid="export-status" data-state="done" role="status">
              Saved{redact && redacts ? ', with secrets redacted' : ''}.
            </p>
          )}
          {status.state === 'error' && (
            <p className="form-error" data-testid="export-status" data-state="error" role="alert">
              {status.message}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
