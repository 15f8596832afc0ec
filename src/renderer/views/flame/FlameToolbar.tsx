// Above the flame graph: the zoom breadcrumb, the search box with its match count, the kind legend.
import type { RefObject } from 'react';
import type { FrameKind } from '../../../shared/domain';
import { FRAME_KIND_LABEL, kindSwatch } from '../../canvas/flame-colors';
import { frameLabel } from '../../canvas/flame-draw';
import { ancestorPath, type FlameIndex } from '../../canvas/flame-layout';
import type { SearchStats } from '../../canvas/flame-search';
import { formatPercent } from '../../format/units';
import type { FlameViewStore } from '../../state/flame-view';

const KINDS: FrameKind[] = ['app', 'library', 'node', 'runtime'];

export interface FlameToolbarProps {
  index: FlameIndex | null;
  stats: SearchStats | null;
  searchRef: RefObject<HTMLInputElement | null>;
  view: FlameViewStore;
}

export function FlameToolbar({ index, stats, searchRef, view }: FlameToolbarProps) {
  const zoomNode = view((state) => state.zoomNode);
  const query = view((state) => state.query);
  const zoomTo = view((state) => state.zoomTo);
  const setQuery = view((state) => state.setQuery);
  // The zoom path belongs to the flame graph; the sandwich and bottom-up views have none.
  const zoomable = view((state) => state.mode === 'flame');
  const path = zoomable && index && index.count > 0 ? ancestorPath(index, Math.min(zoomNode, index.count - 1)) : [];
  const rootTotal = index?.tree.total[0] || 1;

  return (
    <div className="flame-toolbar">
      <nav className="breadcrumb" aria-label="Zoom path" data-testid="flame-breadcrumb">
        {path.map((node, i) => {
          const fn = index!.tree.functions[index!.tree.functionId[node] ?? -1];
          const label = i === 0 ? 'All' : frameLabel(fn?.name ?? '');
          const last = i === path.length - 1;
          return (
            <span key={node} className="crumb">
              {i > 0 && <span className="crumb-sep" aria-hidden="true">›</span>}
              <button type="button" className="crumb-btn" aria-current={last ? 'true' : undefined} onClick={() => zoomTo(node)} title={label}>
                {label}
              </button>
            </span>
          );
        })}
      </nav>
      <div className="flame-search">
        <input
          ref={searchRef}
          type="search"
          className="input input-small"
          placeholder="Search name or file  ( / )"
          aria-label="Search frames"
          data-testid="flame-search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              if (query) setQuery('');
              else event.currentTarget.blur();
            }
          }}
        />
        {stats && (
          <span className="match-count" data-testid="flame-match-count" aria-live="polite">
            {stats.nodes === 0 ? 'no matches' : `${stats.nodes} ${stats.nodes === 1 ? 'match' : 'matches'} · ${formatPercent(stats.total / rootTotal)}`}
          </span>
        )}
      </div>
      <ul className="kind-legend" aria-label="Frame colours">
        {KINDS.map((kind) => (
          <li key={kind} title={FRAME_KIND_LABEL[kind]}>
            <i className="swatch" style={{ background: kindSwatch(kind) }} />
            <span className="kind-legend-label">{FRAME_KIND_LABEL[kind]}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
