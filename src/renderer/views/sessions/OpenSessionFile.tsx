// "Open…" beside the sessions list: pick a .parallax file to import; progress and errors show here.
import { useRef } from 'react';
import { useSessionFiles } from '../../state/session-files';

export function OpenSessionButton() {
  const input = useRef<HTMLInputElement>(null);
  const importFile = useSessionFiles((state) => state.importFile);
  const importing = useSessionFiles((state) => state.status.state === 'importing');
  return (
    <>
      <button
        type="button"
        className="btn btn-small btn-quiet open-session"
        data-testid="open-session-file"
        disabled={importing}
        title="Open a .parallax session file (or drop one on the window)"
        onClick={() => input.current?.click()}
      >
        Open…
      </button>
      <input
        ref={input}
        type="file"
        accept=".parallax"
        hidden
        data-testid="open-session-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void importFile(file);
        }}
      />
    </>
  );
}

export function ImportStatusLine() {
  const status = useSessionFiles((state) => state.status);
  const dismiss = useSessionFiles((state) => state.dismiss);
  if (status.state === 'idle') return null;
  if (status.state === 'importing') {
    return (
      <p className="import-status" data-testid="import-status" data-state="importing" role="status">
        <span className="import-spinner" aria-hidden="true" /> Opening {status.fileName}…
      </p>
    );
  }
  return (
    <p className={`import-status${status.state === 'error' ? ' is-error' : ''}`} data-testid="import-status" data-state={status.state} role={status.state === 'error' ? 'alert' : 'status'}>
      <span className="import-status-text">{status.state === 'error' ? status.message : `Opened ${status.fileName}`}</span>
      <button type="button" className="import-dismiss" aria-label="Dismiss" onClick={dismiss}>
        ×
      </button>
    </p>
  );
}
