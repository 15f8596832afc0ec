// The Events tab: GC pause totals and a virtualised list of trace events (GC, marks, measures...).
import { useMemo, useRef, useState } from 'react';
import type { SessionInfo, TraceEventKind, TraceEventRecord } from '../../../shared/domain';
import { formatClock, formatCount, formatDurationMs } from '../../format/units';
import { api } from '../../state/api';
import { useLiveTick } from '../../state/live-tick';
import { valueOf } from '../../state/loadable';
import { useSelection } from '../../state/selection';
import { fetchKey, useFetched } from '../../state/use-fetched';
import { PanelEmpty, PanelError, PanelLoading } from '../common/PanelState';
import { useElementSize } from '../common/use-element-size';
import { visibleRows } from '../logs/virtual-rows';
import { EVENT_KINDS, countByKind, gcTotals } from './event-stats';

export const EVENT_LIMIT = 10_000;
const ROW_HEIGHT = 22;

function NoEvents({ session, narrowed }: { session: SessionInfo; narrowed: boolean }) {
  const available = session.notes['trace.categories.available'];
  if (!session.signals.includes('trace'))
    return <PanelEmpty title="This session did not record trace events">Record with the trace signal for GC pauses, performance marks and measures.</PanelEmpty>;
  if (narrowed) return <PanelEmpty title="No trace events in this selection">Clear the time range or thread to see the whole session.</PanelEmpty>;
  return (
    <PanelEmpty title="No trace events recorded">
      GC events, performance.mark and performance.measure calls appear here.
      {available && (
        <span className="categories-hint" data-testid="trace-categories">
          Categories this target offers: <code>{available.split(',').join(', ')}</code>
        </span>
      )}
    </PanelEmpty>
  );
}

function threadLabel(threadNames: Map<number, string>, threadId: number): string {
  return threadNames.get(threadId) ?? (threadId === 0 ? 'main' : `thread ${threadId}`);
}

export function EventsPanel({ session, threadNames }: { session: SessionInfo; threadNames: Map<number, string> }) {
  const tick = useLiveTick((state) => state.tick);
  const range = useSelection((state) => state.range);
  const threadId = useSelection((state) => state.threadId);
  const key = fetchKey([session.id, range, threadId], tick);
  const { value, reload } = useFetched<TraceEventRecord[]>(key, () =>
    api.getTraceEvents(session.id, { ...(range ? { range } : {}), ...(threadId !== null ? { threadId } : {}), limit: EVENT_LIMIT }),
  );
  const events = valueOf(value);
  const [kind, setKind] = useState<TraceEventKind | null>(null);
  const counts = useMemo(() => countByKind(events ?? []), [events]);
  const gc = useMemo(() => gcTotals(events ?? []), [events]);
  const shown = useMemo(() => (events ? (kind ? events.filter((event) => event.kind === kind) : events) : []), [events, kind]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(scrollRef);
  const [scrollTop, setScrollTop] = useState(0);
  const rows = visibleRows(scrollTop, size.height, ROW_HEIGHT, shown.length);

  let list;
  if (value.state === 'error') list = <PanelError message={value.message} onRetry={reload} />;
  else if (!events) list = <PanelLoading label="Loading trace events" rows={5} />;
  else if (events.length === 0) list = <NoEvents session={session} narrowed={range !== null || threadId !== null} />;
  else {
    const rendered: TraceEventRecord[] = shown.slice(rows.first, rows.last + 1);
    list = (
      <div className="event-spacer" role="rowgroup" style={{ height: shown.length * ROW_HEIGHT }}>
        {rendered.map((event, i) => (
          <div
            key={event.id}
            className="event-row"
            role="row"
            style={{ transform: `translateY(${(rows.first + i) * ROW_HEIGHT}px)` }}
            data-testid="event-row"
            data-kind={event.kind}
          >
            <span role="cell" className="mono event-time">{formatClock(event.timeUs)}</span>
            <span role="cell"><span className={`event-kind kind-${event.kind}`}>{event.kind}</span></span>
            <span role="cell" className="mono ellipsis" title={`${event.name}${event.cat ? `\ncategory ${event.cat}` : ''}`}>{event.name}</span>
            <span role="cell" className="mono num">{event.durationUs !== null ? formatDurationMs(event.durationUs / 1000) : '—'}</span>
            <span role="cell" className="muted ellipsis">{threadLabel(threadNames, event.threadId)}</span>
          </div>
        ))}
      </div>
    );
  }

  return (
    <section className="panel events-panel" aria-label="Trace events" data-testid="trace-events" data-count={events?.length ?? ''}>
      <div className="panel-head">
        <h2 className="panel-title">
          Events
          {events && events.length > 0 && (
            <span className="panel-sub">
              {formatCount(events.length)} events{events.length >= EVENT_LIMIT && ` (first ${formatCount(EVENT_LIMIT)})`}
            </span>
          )}
        </h2>
        {events && events.length > 0 && (
          <div className="kind-filter" role="group" aria-label="Event kinds">
            <button type="button" className={`chip${kind === null ? ' is-on' : ''}`} aria-pressed={kind === null} onClick={() => setKind(null)}>
              all
            </button>
            {EVENT_KINDS.filter((one) => counts[one] > 0).map((one) => (
              <button
                type="button"
                key={one}
                className={`chip${kind === one ? ' is-on' : ''}`}
                aria-pressed={kind === one}
                data-testid={`event-kind-${one}`}
                onClick={() => setKind(kind === one ? null : one)}
              >
                {one} <span className="muted">{formatCount(counts[one])}</span>
              </button>
            ))}
          </div>
        )}
      </div>
      {gc.count > 0 && (
        <div className="gc-totals" data-testid="gc-totals" data-gc-count={gc.count} data-gc-pause-us={gc.totalPauseUs}>
          <span><strong>{formatCount(gc.count)}</strong> GC</span>
          <span>paused <strong>{formatDurationMs(gc.totalPauseUs / 1000)}</strong> in total</span>
          <span>longest <strong>{formatDurationMs(gc.maxPauseUs / 1000)}</strong></span>
          {gc.byType.slice(0, 4).map((type) => (
            <span key={type.type} className="muted">
              {type.type}: {formatCount(type.count)} · {formatDurationMs(type.totalPauseUs / 1000)}
            </span>
          ))}
        </div>
      )}
      <div className="event-table" role="table" aria-label="Trace event list" aria-rowcount={shown.length}>
        <div className="event-row event-header" role="row">
          <span role="columnheader">Time</span>
          <span role="columnheader">Kind</span>
          <span role="columnheader">Name</span>
          <span role="columnheader" className="num">Duration</span>
          <span role="columnheader">Thread</span>
        </div>
        <div className="event-scroll" ref={scrollRef} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} tabIndex={0}>
          {list}
        </div>
      </div>
    </section>
  );
}
