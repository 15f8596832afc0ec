// The Spans tab: traces by start time, the chosen trace's waterfall, and the chosen span's detail.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { SessionInfo, SpanRecord } from '../../../shared/domain';
import { formatClock, formatCount, formatDurationMs } from '../../format/units';
import { api } from '../../state/api';
import { useLiveTick } from '../../state/live-tick';
import { valueOf } from '../../state/loadable';
import { useSelection } from '../../state/selection';
import { fetchKey, useFetched } from '../../state/use-fetched';
import { PanelEmpty, PanelError, PanelLoading } from '../common/PanelState';
import { SpanDetail } from './SpanDetail';
import { concurrentSpans, groupTraces } from './span-waterfall';
import { TraceWaterfall } from './TraceWaterfall';

/** Spans fetched per session; the waterfall is for reading traces, not for bulk export. */
export const SPAN_LIMIT = 5000;

function NoSpans({ session }: { session: SessionInfo }) {
  const endpoint = session.notes['otlp.endpoint'];
  const receives = session.signals.includes('otlp') || session.signals.includes('agent');
  if (!receives)
    return <PanelEmpty title="This session did not collect spans">Record with the otlp signal (OpenTelemetry exporters) or the agent signal (spans without instrumentation).</PanelEmpty>;
  return (
    <PanelEmpty title="No spans received">
      {endpoint ? (
        <>
          A target Parallax launched has this set already. For an attached target, start it with
          <code className="endpoint-hint" data-testid="otlp-endpoint">OTEL_EXPORTER_OTLP_ENDPOINT={endpoint}</code>
          and an OpenTelemetry SDK, or record with the agent signal.
        </>
      ) : (
        'Spans arrive from OpenTelemetry exporters (OTLP/HTTP) or from the agent signal.'
      )}
    </PanelEmpty>
  );
}

export function SpansPanel({ session, threadNames }: { session: SessionInfo; threadNames: Map<number, string> }) {
  const tick = useLiveTick((state) => state.tick);
  const spanId = useSelection((state) => state.spanId);
  const selectSpan = useSelection((state) => state.selectSpan);
  const { value, reload } = useFetched<SpanRecord[]>(fetchKey([session.id], tick), () => api.getSpans(session.id, { limit: SPAN_LIMIT }));
  const spans = valueOf(value);
  const traces = useMemo(() => (spans ? groupTraces(spans) : []), [spans]);
  const [chosenTrace, setChosenTrace] = useState<string | null>(null);
  const selectedSpan = spans?.find((span) => span.spanId === spanId) ?? null;
  const traceId = selectedSpan?.traceId ?? chosenTrace ?? traces[0]?.traceId ?? null;
  const trace = traces.find((one) => one.traceId === traceId) ?? traces[0] ?? null;
  const concurrent = useMemo(() => (selectedSpan && spans ? concurrentSpans(selectedSpan, spans).length : 0), [selectedSpan, spans]);

  const listRef = useRef<HTMLDivElement>(null);
  const shownTrace = trace?.traceId ?? null;
  // A trace chosen from elsewhere (a log's link) is brought into view in the list.
  useEffect(() => {
    if (shownTrace) listRef.current?.querySelector(`[data-trace-id="${shownTrace}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [shownTrace]);

  const onSelect = (span: SpanRecord) => {
    if (span.spanId === spanId) selectSpan(null);
    else selectSpan({ spanId: span.spanId, range: { fromUs: span.startUs, toUs: span.endUs } });
  };

  let body;
  if (value.state === 'error') body = <PanelError message={value.message} onRetry={reload} />;
  else if (!spans) body = <PanelLoading label="Loading spans" rows={5} />;
  else if (traces.length === 0) body = <NoSpans session={session} />;
  else
    body = (
      <div className="spans-split">
        <div className="trace-list-pane" ref={listRef}>
          <table className="data-table trace-list" data-testid="trace-list">
            <thead>
              <tr>
                <th className="col-time">Start</th>
                <th>Trace</th>
                <th className="num col-small">Spans</th>
                <th className="num col-dur">Duration</th>
              </tr>
            </thead>
            <tbody>
              {traces.map((one) => (
                <tr
                  key={one.traceId}
                  className={one.traceId === trace?.traceId ? 'is-selected' : undefined}
                  data-testid="trace-row"
                  data-trace-id={one.traceId}
                  data-errors={one.errorCount}
                  onClick={() => {
                    setChosenTrace(one.traceId);
                    if (selectedSpan && selectedSpan.traceId !== one.traceId) selectSpan(null);
                  }}
                >
                  <td className="mono">{formatClock(one.startUs)}</td>
                  <td className="ellipsis" title={`${one.name}\ntrace ${one.traceId}`}>
                    {one.errorCount > 0 && <span className="span-status-dot status-2" aria-label={`${one.errorCount} errors`} />}
                    {one.name}
                  </td>
                  <td className="num mono">{formatCount(one.spans.length)}</td>
                  <td className="num mono">{formatDurationMs((one.endUs - one.startUs) / 1000)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="waterfall-pane">
          {trace && <TraceWaterfall trace={trace} selectedSpanId={spanId} onSelect={onSelect} />}
          {selectedSpan ? (
            <SpanDetail span={selectedSpan} concurrent={concurrent} threadName={selectedSpan.thread === null ? null : (threadNames.get(selectedSpan.thread) ?? `thread ${selectedSpan.thread}`)} />
          ) : (
            <p className="waterfall-hint muted">Choose a span to select its time range: the flame graph, logs and allocations follow it.</p>
          )}
        </div>
      </div>
    );

  return (
    <section className="panel spans-panel" aria-label="Spans" data-testid="spans" data-count={spans?.length ?? ''}>
      <div className="panel-head">
        <h2 className="panel-title">
          Spans
          {spans && spans.length > 0 && (
            <span className="panel-sub">
              {formatCount(traces.length)} {traces.length === 1 ? 'trace' : 'traces'} · {formatCount(spans.length)} spans
              {spans.length >= SPAN_LIMIT && ` (first ${formatCount(SPAN_LIMIT)})`}
            </span>
          )}
        </h2>
      </div>
      <div className="panel-body spans-body">{body}</div>
    </section>
  );
}
