// The logs region: a filter box and a virtualised table paged from getLogs as it scrolls.
import { useEffect, useRef, useState } from 'react';
import type { LogRecord } from '../../../shared/domain';
import { formatClock, formatCount } from '../../format/units';
import { LOG_PAGE_SIZE, useLogs } from '../../state/logs';
import { useSelection } from '../../state/selection';
import { PanelEmpty, PanelError, PanelLoading } from '../common/PanelState';
import { useElementSize } from '../common/use-element-size';
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

function LogRow({ record, top }: { record: LogRecord; top: number }) {
  const where = location(record);
  return (
    <div className="log-row" role="row" style={{ transform: `translateY(${top}px)` }} data-testid="log-row" data-level={record.level}>
      <span role="cell" className="log-time mono">{formatClock(record.timeUs)}</span>
      <span role="cell" className={`log-level level-${record.level}`}>{record.level}</span>
      <span role="cell" className="log-source">{record.source}</span>
      <span role="cell" className="log-text mono" title={record.text}>{record.text}</span>
      <span role="cell" className="log-where mono" title={where.full}>{where.short}</span>
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
  const [scrollTop, setScrollTop] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(scrollRef);

  useEffect(() => {
    if (!sessionId) return;
    const timer = window.setTimeout(() => setQuery({ sessionId, text: filter.trim(), range, threadId, spanId }), filter ? FILTER_DELAY_MS : 0);
    return () => window.clearTimeout(timer);
  }, [sessionId, filter, range, threadId, spanId, setQuery]);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
    setScrollTop(0);
  }, [sessionId, filter, range, threadId, spanId]);

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
        <LogRow key={i} record={record} top={i * ROW_HEIGHT} />
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
      <PanelEmpty title={filter ? `No logs contain “${filter}”` : spanId ? 'No logs carry this span’s id' : range ? 'No logs in this time range' : threadId !== null ? 'No logs from this thread' : 'No logs in this session'}>
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
