// The tab strip over the session's main panel: CPU, Allocations, Heap snapshots, Spans, Events.
import type { KeyboardEvent } from 'react';
import type { SessionCounts } from '../../../shared/domain';
import { formatCount } from '../../format/units';
import { useUi, type SessionTab } from '../../state/ui';

export const SESSION_TABS: { id: SessionTab; label: string; count?: (counts: SessionCounts) => number }[] = [
  { id: 'cpu', label: 'CPU', count: (c) => c.cpuSamples },
  { id: 'allocations', label: 'Allocations', count: (c) => c.heapSamples },
  { id: 'snapshots', label: 'Heap snapshots' },
  { id: 'spans', label: 'Spans', count: (c) => c.spans },
  { id: 'events', label: 'Events', count: (c) => c.traceEvents },
];

export function tabPanelId(tab: SessionTab): string {
  return `session-tabpanel-${tab}`;
}

export function SessionTabs({ counts }: { counts: SessionCounts | null }) {
  const current = useUi((state) => state.sessionTab);
  const showTab = useUi((state) => state.showTab);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = SESSION_TABS.findIndex((tab) => tab.id === current);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = SESSION_TABS[(at + step + SESSION_TABS.length) % SESSION_TABS.length]!;
    showTab(next.id);
    document.getElementById(`session-tab-${next.id}`)?.focus();
  };

  return (
    <div className="session-tabs" role="tablist" aria-label="Signals" onKeyDown={onKeyDown}>
      {SESSION_TABS.map((tab) => {
        const selected = tab.id === current;
        const count = counts && tab.count ? tab.count(counts) : null;
        return (
          <button
            key={tab.id}
            id={`session-tab-${tab.id}`}
            type="button"
            role="tab"
            className={`session-tab${selected ? ' is-active' : ''}`}
            aria-selected={selected}
            aria-controls={tabPanelId(tab.id)}
            tabIndex={selected ? 0 : -1}
            data-testid={`tab-${tab.id}`}
            onClick={() => showTab(tab.id)}
          >
            {tab.label}
            {count !== null && <span className={`tab-count${count === 0 ? ' is-zero' : ''}`}>{formatCount(count)}</span>}
          </button>
        );
      })}
    </div>
  );
}
