// The logs region: a filter box and a virtualised table paged from getLogs as it scrolls.
import { useEffect, useRef, useState } from 'react';
import type { LogRecord } from '../../../shared/domain';
import { formatClock, formatCount } from '../../format/units';
import { LOG_PAGE_SIZE, useLogs } from '../../state/logs';
import { useSelection } from '../../state/selection';
import { PanelEmpty, PanelError, PanelLoading } from '../common/PanelState';
import { useElementSize } from '../common/use-element-size';
import { openLogSpan } from './open-log-span';
import { pagesFor, visibleRows } from './virtual-rows';

const ROW_HEIGHT = 22;
const FILTER_DELAY_MS = 200;

/** Short and full forms of a record's source location: file name and line, and the whole url. */
function location(record: LogRecord): { short: string; full: string } {
  if (!record.url) return { short: '', full: '' };
  const line = record.line ? `:${record.line}` : '';
  const file = record.url.split(/[\\/]/).filter(Boolean).pop() ?? record.url;
  return { short: `${file}${line}`, full: `${record.url}${line}` };
}

function LogRow({ record, top, selected, onOpenSpan }: { record: LogRecord; top: number; selected: boolean; onOpenSpan(record: LogRecord): void }) {
  const where = location(record);
  return (
    <div
      className={`log-row${selected ? ' is-span' : ''}`}
      role="row"
      style={{ transform: `translateY(${top}px)` }}
      data-testid="log-row"
      data-level={record.level}
      data-span-id={record.spanId ?? ''}
      data-trace-id={record.traceId ?? ''}
    >
      <span role="cell" className="log-time mono">{formatClock(record.timeUs)}</span>
      <span role="cell" className={`log-level level-${record.level}`}>{record.level}</span>
      <span role="cell" className="log-source">{record.source}</span>
      <span role="cell" className="log-text mono" title={record.text}>{record.text}</span>
      <span role="cell" className="log-where mono" title={where.full}>{where.short}</span>
      <span role="cell" className="log-link">
        {record.spanId && (
          <button
            type="button"
            className="link-btn mono"
            data-testid="log-span-link"
            title={`Select span ${record.spanId}${record.traceId ? ` of trace ${record.traceId}` : ''}: its time range and thread, in the Spans tab`}
            onClick={() => onOpenSpan(record)}
          >
            span {record.spanId.slice(0, 6)} ›
          </button>
        )}
      </span>
    </div>
  );
}

export function LogsPanel() {
  const sessionId = useSelection((state) => state.sessionId);
  const range = useSelection((state) => state.range);
  const threadId = useSelection((state) => state.threadId);
  const spanId = useSelection((state) => state.spanId);
  const { total, pages, error, setQuery, ensurePages, version } = useLogs();
  const [filter, setFilter] = useState('');
  const [spanLogs, setSpanLogs] = useState<'span' | 'range'>('span');
  const [linkError, setLinkError] = useState<string | null>(null);
  const onOpenSpan = (record: LogRecord) => {
    if (!sessionId) return;
    setLinkError(null);
    openLogSpan(sessionId, record).then(setLinkError, (error: unknown) => setLinkError(String(error)));
  };
  const [scrollTop, setScrollTop] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(scrollRef);

  useEffect(() => {
    if (!sessionId) return;
    const timer = window.setTimeout(() => setQuery({ sessionId, text: filter.trim(), range, threadId, spanId, spanLogs }), filter ? FILTER_DELAY_MS : 0);
    return () => window.clearTimeout(timer);
  }, [sessionId, filter, range, threadId, spanId, spanLogs, setQuery]);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
    setScrollTop(0);
  }, [sessionId, filter, range, threadId, spanId, spanLogs]);

  const rows = visibleRows(scrollTop, size.height, ROW_HEIGHT, total ?? 0);
  const needed = pagesFor(rows, LOG_PAGE_SIZE);
  useEffect(() => {
    if (total !== null) ensurePages(needed.first, needed.last);
  }, [needed.first, needed.last, total, version, ensurePages]);

  const rendered = [];
  for (let i = rows.first; i <= rows.last; i++) {
    const record = pages.get(Math.floor(i / LOG_PAGE_SIZE))?.[i % LOG_PAGE_SIZE];
    rendered.push(
      record ? (
        <LogRow key={i} record={record} top={i * ROW_HEIGHT} selected={spanId !== null && record.spanId === spanId} onOpenSpan={onOpenSpan} />
      ) : (
        <div key={i} className="log-row log-row-pending" role="row" style={{ transform: `translateY(${i * ROW_HEIGHT}px)` }}>
          <span className="skeleton-bar" />
        </div>
      ),
    );
  }

  let overlay = null;
  if (error && total === null) overlay = <PanelError message={error} onRetry={() => sessionId && ensurePages(0, 0)} />;
  else if (total === null) overlay = <PanelLoading label="Loading logs" rows={5} />;
  else if (total === 0)
    overlay = (
      <PanelEmpty title={filter ? `No logs contain “${filter}”` : spanId ? (spanLogs === 'span' ? 'No logs carry this span’s id' : 'No logs in this span’s time range') : range ? 'No logs in this time range' : threadId !== null ? 'No logs from this thread' : 'No logs in this session'}>
        {!filter && !range && threadId === null && 'Console output, exceptions and structured logs of the target appear here.'}
      </PanelEmpty>
    );

  return (
    <section className="panel logs-panel" aria-label="Logs" data-testid="logs" data-total={total ?? ''}>
      <div className="panel-head">
        <h2 className="panel-title">
          Logs
          {total !== null && <span className="panel-sub" data-testid="log-count">{formatCount(total)} {total === 1 ? 'record' : 'records'}</span>}
        </h2>
        {spanId && (
          <div className="view-switch" role="group" aria-label="Logs of the span" data-testid="log-span-scope">
            <button type="button" className={`view-switch-btn${spanLogs === 'span' ? ' is-on' : ''}`} aria-pressed={spanLogs === 'span'} onClick={() => setSpanLogs('span')} data-testid="log-scope-span">
              This span’s logs
            </button>
            <button type="button" className={`view-switch-btn${spanLogs === 'range' ? ' is-on' : ''}`} aria-pressed={spanLogs === 'range'} onClick={() => setSpanLogs('range')} data-testid="log-scope-range">
              All logs in its time range
            </button>
          </div>
        )}
        {linkError && <span className="log-link-error" role="alert" data-testid="log-link-error">{linkError}</span>}
        <input
          type="search"
          className="input input-small log-filter"
          placeholder="Filter text"
          aria-label="Filter logs"
          data-testid="log-filter"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
      </div>
      <div className="log-table" role="table" aria-label="Log records" aria-rowcount={total ?? undefined}>
        <div className="log-row log-header" role="row">
          <span role="columnheader">Time</span>
          <span role="columnheader">Level</span>
          <span role="columnheader">Source</span>
          <span role="columnheader">Message</span>
          <span role="columnheader">Location</span>
          <span role="columnheader">Trace</span>
        </div>
        <div className="log-scroll" ref={scrollRef} onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)} tabIndex={0}>
          {overlay ?? (
            <div className="log-spacer" role="rowgroup" style={{ height: (total ?? 0) * ROW_HEIGHT }}>
              {rendered}
            </div>
          )}
        </div>
        {error && total !== null && <div className="log-error" role="alert">{error}</div>}
      </div>
    </section>
  );
}
