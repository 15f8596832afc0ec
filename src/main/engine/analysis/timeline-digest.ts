// A session's timeline columns (trace events, logs, spans) packed as one digest (see SessionDigests),
// kept once the session has ended: opening the store again reads one blob instead of every row.
import type { SessionInfo } from '../../../shared/domain';
import type { TimelineSpan } from '../../../shared/timeline';
import { type Digest, type SessionDigests, endBasis } from '../store/session-digests';
import type { SessionColumns } from './timeline-columns';

const KIND = 'timeline-columns';
const VERSION = 1;

type SpanTuple = [string, string, string | null, string, number, number, 0 | 1 | 2, number | null];

interface Meta {
  version: number;
  names: string[];
  eventsLongestUs: number;
  eventsLastId: number;
  logsLastId: number;
  spans: SpanTuple[];
  spansLongestUs: number;
}

/** Nothing is added to a session after it ended: its end is what its columns were read for. */
function basisOf(session: SessionInfo): string | null {
  return session.status === 'recording' ? null : endBasis(session.status, session.endedAt);
}

export function keptSessionColumns(digests: SessionDigests, session: SessionInfo): SessionColumns | null {
  const basis = basisOf(session);
  const digest = basis === null ? null : digests.get(session.id, KIND, basis);
  if (!digest || digest.columns.length !== 8) return null;
  const meta = digest.meta as Meta;
  if (meta?.version !== VERSION || !Array.isArray(meta.names) || !Array.isArray(meta.spans)) return null;
  const [threadId, kind, startUs, endUs, name, logTimeUs, logLevel, spanStartUs] = digest.columns as [
    Int32Array,
    Uint8Array,
    Float64Array,
    Float64Array,
    Int32Array,
    Float64Array,
    Uint8Array,
    Float64Array,
  ];
  const events = threadId.length;
  if (kind.length !== events || startUs.length !== events || endUs.length !== events || name.length !== events) return null;
  if (logLevel.length !== logTimeUs.length || spanStartUs.length !== meta.spans.length) return null;
  const spans: TimelineSpan[] = meta.spans.map(([spanId, traceId, parentSpanId, spanName, start, end, statusCode, thread]) => ({
    spanId,
    traceId,
    parentSpanId,
    name: spanName,
    startUs: start,
    endUs: end,
    statusCode,
    thread,
  }));
  return {
    events: { threadId, kind, startUs, endUs, name, names: meta.names, longestUs: meta.eventsLongestUs, lastId: meta.eventsLastId },
    logs: { timeUs: logTimeUs, level: logLevel, lastId: meta.logsLastId },
    spans: { spans, startUs: spanStartUs, longestUs: meta.spansLongestUs },
  };
}

/** Keeps an ended session's columns; a recording's are still growing and are not kept. */
export function keepSessionColumns(digests: SessionDigests, session: SessionInfo, columns: SessionColumns): void {
  const basis = basisOf(session);
  if (basis === null) return;
  const { events, logs, spans } = columns;
  const meta: Meta = {
    version: VERSION,
    names: events.names,
    eventsLongestUs: events.longestUs,
    eventsLastId: events.lastId,
    logsLastId: logs.lastId,
    spans: spans.spans.map((s) => [s.spanId, s.traceId, s.parentSpanId, s.name, s.startUs, s.endUs, s.statusCode, s.thread]),
    spansLongestUs: spans.longestUs,
  };
  const digest: Digest = {
    meta,
    columns: [events.threadId, events.kind, events.startUs, events.endUs, events.name, logs.timeUs, logs.level, spans.startUs],
  };
  digests.put(session.id, KIND, basis, digest);
}
