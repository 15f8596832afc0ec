// The window: sidebar with sessions and the Attach button, main area with the chosen view.
import { useEffect, useRef } from 'react';
import { useAllocationView, useFlameView } from '../state/flame-view';
import { useSelection } from '../state/selection';
import { useUi } from '../state/ui';
import { AttachView } from './attach/AttachView';
import { ConnectionBanner } from './common/ConnectionBanner';
import { SessionView } from './session/SessionView';
import { FileDropZone } from './sessions/FileDropZone';
import { SessionsList } from './sessions/SessionsList';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function App() {
  const mainView = useUi((state) => state.mainView);
  const showView = useUi((state) => state.showView);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === '/' && !isTyping(event.target) && searchRef.current) {
        event.preventDefault();
        searchRef.current.focus();
        searchRef.current.select();
      } else if (event.key === 'Escape' && !isTyping(event.target)) {
        const flame = (useUi.getState().sessionTab === 'allocations' ? useAllocationView : useFlameView).getState();
        // One step back per press: the attach form, then a zoomed flame graph, then the selection.
        const selection = useSelection.getState();
        if (useUi.getState().mainView === 'attach') showView('session');
        else if (flame.zoomNode !== 0) flame.zoomTo(0);
        else if (selection.range !== null || selection.spanId !== null) selection.setRange(null);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [showView]);

  return (
    <FileDropZone>
      <div className="app">
        <ConnectionBanner />
        <div className="app-body">
          <nav className="sidebar" aria-label="Parallax">
            <div className="brand">
              <span className="brand-mark" aria-hidden="true" />
              Parallax
            </div>
            <button
              type="button"
              className={`btn btn-primary attach-button${mainView === 'attach' ? ' is-active' : ''}`}
              data-testid="open-attach"
              aria-pressed={mainView === 'attach'}
              onClick={() => showView(mainView === 'attach' ? 'session' : 'attach')}
            >
              <span aria-hidden="true">●</span> Attach &amp; record…
            </button>
            <SessionsList />
          </nav>
          <main className="main">
            {mainView === 'attach' ? (
              <AttachView onClose={() => showView('session')} />
            ) : (
              <SessionView searchRef={searchRef} onOpenAttach={() => showView('attach')} />
            )}
          </main>
        </div>
      </div>
    </FileDropZone>
  );
}
