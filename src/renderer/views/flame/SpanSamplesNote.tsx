// Over the CPU views while a span is selected: whose samples these are, and plainly whether
// concurrent spans on the same thread share them.
import type { SpanRecord } from '../../../shared/domain';
import { formatCount, formatDurationMs } from '../../format/units';
import { api } from '../../state/api';
import { valueOf } from '../../state/loadable';
import { useSelection } from '../../state/selection';
import { fetchKey, useFetched } from '../../state/use-fetched';
import { concurrentSpans } from '../spans/span-waterfall';

/** The selected span and the spans that overlap it (its range's spans), fetched together. */
export function useSelectedSpan(): { span: SpanRecord | null; concurrent: SpanRecord[] } {
  const { sessionId, spanId, range } = useSelection();
  const key = sessionId && spanId && range ? fetchKey([sessionId, spanId, range.fromUs, range.toUs], 0) : null;
  const fetched = useFetched<SpanRecord[]>(key, () => api.getSpans(sessionId!, { range: range! }));
  const spans = valueOf(fetched.value) ?? [];
  const span = spans.find((one) => one.spanId === spanId) ?? null;
  return { span, concurrent: span ? concurrentSpans(span, spans) : [] };
}

export function SpanSamplesNote() {
  const spanId = useSelection((state) => state.spanId);
  const selectSpan = useSelection((state) => state.selectSpan);
  const { span, concurrent } = useSelectedSpan();
  if (!spanId || !span) return null;
  const names = [...new Set(concurrent.map((one) => one.name))].slice(0, 3).join(', ');
  return (
    <div className={`span-samples-note${concurrent.length > 0 ? ' is-shared' : ''}`} data-testid="span-samples-note" data-concurrent={concurrent.length} role="status">
      <span>
        Samples of span <strong className="mono">{span.name}</strong> ({formatDurationMs((span.endUs - span.startUs) / 1000)}, {formatCount(span.cpuSampleCount)} samples)
        {span.thread === null ? ' on every thread in its time range' : ' on its thread'}.
      </span>
      {concurrent.length > 0 && (
        <span className="span-samples-shared" data-testid="span-samples-shared">
          Shared with {concurrent.length} concurrent {concurrent.length === 1 ? 'span' : 'spans'} ({names}): their work is in these samples too.
        </span>
      )}
      <button type="button" className="btn btn-quiet btn-small" onClick={() => selectSpan(null)} data-testid="span-samples-clear">
        Clear span
      </button>
    </div>
  );
}
