// Log to span: selects the span a log record names (its range and thread) and shows it in the Spans tab.
import type { LogRecord } from '../../../shared/domain';
import { api } from '../../state/api';
import { useSelection } from '../../state/selection';
import { useUi } from '../../state/ui';

/** Resolves to null when the span is selected, or to a sentence saying why it could not be. */
export async function openLogSpan(sessionId: string, record: Pick<LogRecord, 'traceId' | 'spanId'>): Promise<string | null> {
  if (!record.spanId) return 'This record names no span';
  const spans = await api.getSpans(sessionId, record.traceId ? { traceId: record.traceId } : {});
  const span = spans.find((one) => one.spanId === record.spanId);
  if (!span) return `Span ${record.spanId} was not received in this session${record.traceId ? ` (trace ${record.traceId.slice(0, 8)}…)` : ''}`;
  useSelection.getState().selectSpan({ spanId: span.spanId, range: { fromUs: span.startUs, toUs: span.endUs } });
  useUi.getState().showTab('spans');
  return null;
}
