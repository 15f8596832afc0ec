// An async trace slice that carries OpenTelemetry ids (a 32-hex trace id and a 16-hex span id in
// its args or args.data, as tracers that bridge to trace events write them) is also a span.
import type { AssembledEvent } from '../../capture/trace/trace-event-kinds';
import type { NewSpan } from '../../store/spans';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

export function spanOfAsyncSlice(event: AssembledEvent, startUs: number): NewSpan | null {
  if (!event.args || event.durationUs === null) return null;
  const data = typeof event.args.data === 'object' && event.args.data !== null ? (event.args.data as Record<string, unknown>) : {};
  const read = (...keys: string[]): string | null => {
    for (const source of [event.args!, data]) {
      for (const key of keys) {
        const value = source[key];
        if (typeof value === 'string') return value.toLowerCase();
      }
    }
    return null;
  };
  const traceId = read('traceId', 'trace_id');
  const spanId = read('spanId', 'span_id');
  if (!traceId || !spanId || !TRACE_ID.test(traceId) || !SPAN_ID.test(spanId) || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  const parent = read('parentSpanId', 'parent_span_id');
  return {
    traceId,
    spanId,
    parentSpanId: parent && SPAN_ID.test(parent) ? parent : null,
    name: event.name,
    kind: 1,
    startUs,
    endUs: startUs + event.durationUs,
    statusCode: 0,
    statusMessage: null,
    thread: event.tid,
    source: 'trace',
    attributes: { 'trace.category': event.cat },
    resource: {},
  };
}
