// The whole window accepts a dropped .parallax file; while a file is dragged over it, it says so.
import { type ReactNode, useState } from 'react';
import { useSessionFiles } from '../../state/session-files';

function carriesFiles(event: React.DragEvent): boolean {
  return Array.from(event.dataTransfer.types).includes('Files');
}

export function FileDropZone({ children }: { children: ReactNode }) {
  const importFile = useSessionFiles((state) => state.importFile);
  const [depth, setDepth] = useState(0);
  return (
    <div
      className="file-drop-zone"
      data-testid="file-drop-zone"
      onDragEnter={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        setDepth((d) => d + 1);
      }}
      onDragOver={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(event) => {
        if (carriesFiles(event)) setDepth((d) => Math.max(0, d - 1));
      }}
      onDrop={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        setDepth(0);
        const file = event.dataTransfer.files[0];
        if (file) void importFile(file);
      }}
    >
      {children}
      {depth > 0 && (
        <div className="file-drop-overlay" data-testid="file-drop-overlay" aria-hidden="true">
          <div className="file-drop-card">Drop a .parallax file to open it as a session</div>
        </div>
      )}
    </div>
  );
}
