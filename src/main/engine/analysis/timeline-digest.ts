// A session's timeline columns (trace events, logs, spans) packed as one digest (see SessionDigests),
// kept once the session has ended: opening the store again reads one blob instead of every row.
import type { SessionInfo } from '../../../shared/domain';
import type { TimelineSpan } from '../../../shared/timeline';
import { type Digest, type DigestColumn, type SessionDigests, endBasis } from '../store/session-digests';
import type { EventColumns, SessionColumns, SpanColumns } from './timeline-columns';

const KIND = 'timeline-columns';
// 2: spans as columns and a string table instead of JSON tuples, which took most of a cold read.
// 3: trace events compact when they can be (see packEvents).
const VERSION = 3;

interface Meta {
  version: number;
  names: string[];
  eventsLongestUs: number;
  eventsLastId: number;
  /** The first event's start when the event columns are compact, else null. */
  eventsFirstUs: number | null;
  logsLastId: number;
  spansLongestUs: number;
}

/**
 * Columns 8 on: the spans' ids, trace ids, parent ids (-1: none) and names as indexes of a string
 * table, their ends, status codes and threads (NaN: none), then the string table: each string's
 * length in UTF-16 units, and all of them as UTF-8.
 */
const SPAN_COLUMNS = 9;

/** Nothing is added to a session after it ended: its end is what its columns were read for. */
function basisOf(session: SessionInfo): string | null {
  return session.status === 'recording' ? null : endBasis(session.status, session.endedAt);
}

export function keptSessionColumns(digests: SessionDigests, session: SessionInfo): SessionColumns | null {
  const basis = basisOf(session);
  const digest = basis === null ? null : digests.get(session.id, KIND, basis);
  if (!digest || digest.columns.length !== 8 + SPAN_COLUMNS) return null;
  const meta = digest.meta as Meta;
  if (meta?.version !== VERSION || !Array.isArray(meta.names)) return null;
  const [logTimeUs, logLevel, spanStartUs] = digest.columns.slice(5, 8) as [Float64Array, Uint8Array, Float64Array];
  if (!(logTimeUs instanceof Float64Array && logLevel instanceof Uint8Array && spanStartUs instanceof Float64Array)) return null;
  const events = unpackEvents(digest.columns.slice(0, 5), meta.eventsFirstUs);
  if (!events) return null;
  const { threadId, kind, startUs, endUs, name } = events;
  if (logLevel.length !== logTimeUs.length) return null;
  const spans = unpackSpans(digest.columns.slice(8), spanStartUs, meta.spansLongestUs);
  if (!spans) return null;
  return {
    events: { threadId, kind, startUs, endUs, name, names: meta.names, longestUs: meta.eventsLongestUs, lastId: meta.eventsLastId },
    logs: { timeUs: logTimeUs, level: logLevel, lastId: meta.logsLastId },
    spans,
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
    eventsFirstUs: null,
    logsLastId: logs.lastId,
    spansLongestUs: spans.longestUs,
  };
  const spanColumns = packSpans(spans);
  // A string that does not survive UTF-8 (a lone surrogate) is not kept: the rows are read instead.
  if (!spanColumns) return;
  const digest: Digest = {
    meta,
    columns: [...packEvents(events, meta), logs.timeUs, logs.level, spans.startUs, ...spanColumns],
  };
  digests.put(session.id, KIND, basis, digest);
}

function packSpans(columns: SpanColumns): DigestColumn[] | null {
  const indexes = new Map<string, number>();
  const strings: string[] = [];
  const stringLengths: number[] = [];
  const intern = (text: string): number => {
    let at = indexes.get(text);
    if (at === undefined) {
      at = strings.length;
      indexes.set(text, at);
      strings.push(text);
      stringLengths.push(text.length);
    }
    return at;
  };
  const n = columns.count;
  const spanId = new Int32Array(n);
  const traceId = new Int32Array(n);
  const parent = new Int32Array(n);
  const name = new Int32Array(n);
  const endUs = new Float64Array(n);
  const status = new Uint8Array(n);
  const thread = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const span = columns.span(i);
    spanId[i] = intern(span.spanId);
    traceId[i] = intern(span.traceId);
    parent[i] = span.parentSpanId === null ? -1 : intern(span.parentSpanId);
    name[i] = intern(span.name);
    endUs[i] = span.endUs;
    status[i] = span.statusCode;
    thread[i] = span.thread ?? NaN;
  }
  const text = strings.join('');
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.toString('utf8') !== text) return null;
  return [spanId, traceId, parent, name, endUs, status, thread, Int32Array.from(stringLengths), new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)];
}

function unpackSpans(columns: DigestColumn[], startUs: Float64Array, longestUs: number): SpanColumns | null {
  const [spanId, traceId, parent, name, endUs, status, thread, stringLengths, bytes] = columns;
  if (!(spanId instanceof Int32Array && traceId instanceof Int32Array && parent instanceof Int32Array && name instanceof Int32Array)) return null;
  if (!(endUs instanceof Float64Array && status instanceof Uint8Array && thread instanceof Float64Array && stringLengths instanceof Int32Array && bytes instanceof Uint8Array)) return null;
  const n = startUs.length;
  if ([spanId, traceId, parent, name, endUs, status, thread].some((column) => column.length !== n) || typeof longestUs !== 'number') return null;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // Where each string starts in the text; the string itself is cut when a span using it is made.
  const starts = new Int32Array(stringLengths.length + 1);
  for (let k = 0; k < stringLengths.length; k++) {
    const length = stringLengths[k]!;
    if (length < 0) return null;
    starts[k + 1] = starts[k]! + length;
  }
  if (starts[stringLengths.length] !== text.length) return null;
  const strings = stringLengths.length;
  for (const ids of [spanId, traceId, name]) for (let i = 0; i < n; i++) if (!(ids[i]! >= 0 && ids[i]! < strings)) return null;
  for (let i = 0; i < n; i++) if (!(parent[i]! >= -1 && parent[i]! < strings) || status[i]! > 2) return null;
  const string = (k: number): string => text.slice(starts[k]!, starts[k + 1]!);
  const made: TimelineSpan[] = [];
  const span = (i: number): TimelineSpan => {
    let found = made[i];
    if (!found) {
      const t = thread[i]!;
      found = { spanId: string(spanId[i]!), traceId: string(traceId[i]!), parentSpanId: parent[i] === -1 ? null : string(parent[i]!), name: string(name[i]!), startUs: startUs[i]!, endUs: endUs[i]!, statusCode: status[i]! as 0 | 1 | 2, thread: Number.isNaN(t) ? null : t };
      made[i] = found;
    }
    return found;
  };
  return { count: n, span, startUs, endUs, longestUs };
}

type EventArrays = Pick<EventColumns, 'threadId' | 'kind' | 'startUs' | 'endUs' | 'name'>;

/**
 * A million trace events are most of the digest: when every thread id fits a byte and every start
 * and duration is a whole number of microseconds (starts ascending, gaps and durations under 2^31),
 * thread ids are bytes, starts are gaps from the previous one and ends are durations, 14 bytes an
 * event instead of 25; else the columns as they are.
 */
function packEvents(events: EventArrays, meta: Meta): DigestColumn[] {
  const { threadId, kind, startUs, endUs, name } = events;
  const n = startUs.length;
  const gaps = new Int32Array(n);
  const durations = new Int32Array(n);
  const threads = new Uint8Array(n);
  const whole = (value: number): boolean => Number.isInteger(value) && value >= 0 && value < 2 ** 31;
  for (let i = 0; i < n; i++) {
    const gap = i === 0 ? 0 : startUs[i]! - startUs[i - 1]!;
    const duration = endUs[i]! - startUs[i]!;
    const thread = threadId[i]!;
    if (!whole(gap) || !whole(duration) || !(thread >= 0 && thread < 256) || !Number.isInteger(startUs[i]!)) return [threadId, kind, startUs, endUs, name];
    gaps[i] = gap;
    durations[i] = duration;
    threads[i] = thread;
  }
  meta.eventsFirstUs = n > 0 ? startUs[0]! : 0;
  return [threads, kind, gaps, durations, name];
}

function unpackEvents(columns: DigestColumn[], firstUs: number | null): EventArrays | null {
  const [threadId, kind, start, end, name] = columns;
  if (!(kind instanceof Uint8Array && name instanceof Int32Array)) return null;
  const n = kind.length;
  if (!threadId || !start || !end || threadId.length !== n || start.length !== n || end.length !== n || name.length !== n) return null;
  if (firstUs === null) {
    if (!(threadId instanceof Int32Array && start instanceof Float64Array && end instanceof Float64Array)) return null;
    return { threadId, kind, startUs: start, endUs: end, name };
  }
  if (typeof firstUs !== 'number' || !(threadId instanceof Uint8Array && start instanceof Int32Array && end instanceof Int32Array)) return null;
  const startUs = new Float64Array(n);
  const endUs = new Float64Array(n);
  let at = firstUs;
  for (let i = 0; i < n; i++) {
    at += start[i]!;
    startUs[i] = at;
    endUs[i] = at + end[i]!;
  }
  return { threadId: Int32Array.from(threadId), kind, startUs, endUs, name };
}
