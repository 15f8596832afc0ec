// The chosen span: timing, status, thread, its CPU samples and logs, and whether attribution is shared.
import type { SpanRecord } from '../../../shared/domain';
import { formatClock, formatCount, formatDurationMs } from '../../format/units';
import { useUi } from '../../state/ui';
import { SPAN_KIND } from './SpanKindIcon';

function attributeText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function SpanDetail({ span, concurrent, threadName }: { span: SpanRecord; concurrent: number; threadName: string | null }) {
  const showTab = useUi((state) => state.showTab);
  const attributes = Object.entries(span.attributes).slice(0, 12);
  return (
    <div className="span-detail" data-testid="span-detail" data-span-id={span.spanId}>
      <div className="span-detail-head">
        <span className={`span-status-dot status-${span.statusCode}`} aria-hidden="true" />
        <strong className="mono ellipsis" title={span.name}>{span.name}</strong>
        <span className="muted">{(SPAN_KIND[span.kind] ?? SPAN_KIND[0]).label}</span>
        <span className="muted">· {formatDurationMs((span.endUs - span.startUs) / 1000)}</span>
        {span.statusCode === 2 && <span className="span-error-text">error{span.statusMessage ? `: ${span.statusMessage}` : ''}</span>}
      </div>
      <dl className="span-facts">
        <div><dt>Start</dt><dd className="mono">{formatClock(span.startUs)}</dd></div>
        <div><dt>Thread</dt><dd>{threadName ?? 'unknown'}</dd></div>
        <div><dt>CPU samples</dt><dd className="mono" data-testid="span-cpu-samples">{formatCount(span.cpuSampleCount)}</dd></div>
        <div><dt>Logs</dt><dd className="mono" data-testid="span-log-count">{formatCount(span.logCount)}</dd></div>
        <div><dt>Source</dt><dd>{span.source}</dd></div>
      </dl>
      <p className={concurrent > 0 ? 'span-overlap is-shared' : 'span-overlap'} data-testid="span-overlap" data-concurrent={concurrent}>
        {concurrent > 0
          ? `Shared: ${concurrent} other ${concurrent === 1 ? 'span' : 'spans'} ran at the same time${span.thread === null ? '' : ' on this thread'}, so the CPU of this span includes their work.`
          : span.thread === null
            ? 'No other span overlaps it. It did not say its thread: its CPU shows every thread in its time range.'
            : 'No other span overlaps it on its thread: its CPU samples are its own (and its children’s).'}
      </p>
      <div className="span-actions">
        <button type="button" className="btn btn-small" data-testid="span-show-cpu" onClick={() => showTab('cpu')}>
          CPU of this span
        </button>
        <span className="muted">The logs below show this span’s records.</span>
      </div>
      {attributes.length > 0 && (
        <dl className="span-attributes">
          {attributes.map(([key, value]) => (
            <div key={key}>
              <dt className="mono">{key}</dt>
              <dd className="mono ellipsis" title={attributeText(value)}>{attributeText(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
