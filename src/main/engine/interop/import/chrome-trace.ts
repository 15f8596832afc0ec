// Chrome trace JSON (an array of events, or an object with traceEvents; node --trace-events-enabled
// writes node_trace.N.log in this form), streamed one event at a time: M thread_name names threads,
// Profile/ProfileChunk become CPU samples, C counters become metrics, every other phase becomes
// a trace event (B/E and b/e halves paired), and async slices that carry OpenTelemetry ids become spans.
import type { TraceEventKind } from '../../../../shared/domain';
import { type RawTraceEvent, parseTraceEvent } from '../../capture/trace/trace-event-shape';
import { type AssembledEvent, TraceEventAssembler, traceEventKind } from '../../capture/trace/trace-event-kinds';
import type { NewTraceEvent } from '../../store/trace-events';
import { asObject } from './call-tree';
import type { ImportSession } from './import-session';
import { type JsonPath, JsonRouter, type JsonValue } from './json-router';
import { refuse } from './refusal';
import { spanOfAsyncSlice } from './trace-spans';
import { TraceProfiles } from './trace-profiles';
import { epochNote } from './time-base';

/** One event is built whole; a ProfileChunk can carry thousands of nodes. */
const EVENT_MAX_VALUES = 2_000_000;
const ROWS_PER_WRITE = 5000;
const PACE_EVERY_MASK = 63;
const USER_TIMING = /(^|,)(blink\.user_timing|node\.perf\.usertiming|node\.perf)(,|$)/;

export async function importChromeTrace(session: ImportSession): Promise<{ intervalUs: number }> {
  const reader = new ChromeTraceReader(session);
  const router = new JsonRouter(reader, { maxBuiltValues: EVENT_MAX_VALUES, maxStringBytes: 64 << 10 });
  await session.eachChunk((chunk) => router.write(chunk));
  router.end();
  return reader.finish();
}

class ChromeTraceReader {
  private readonly assembler = new TraceEventAssembler();
  private rows: NewTraceEvent[] = [];
  private readonly profiles: TraceProfiles;
  private readonly threadIds = new Map<string, number>();
  private readonly threadNames = new Map<number, string>();
  private hasEventList = false;
  private offsetUs: number | null = null;
  private events = 0;
  private stored = 0;
  private counters = 0;
  private spans = 0;

  constructor(private readonly session: ImportSession) {
    this.profiles = new TraceProfiles(session);
  }

  container(path: JsonPath, kind: 'object' | 'array'): 'walk' | 'build' | 'skip' {
    if (path.length === 0) {
      this.hasEventList = kind === 'array';
      return 'walk';
    }
    const inArray = this.hasEventList && path.length === 1 && typeof path[0] === 'number';
    const inObject = path.length === 2 && path[0] === 'traceEvents';
    if (inArray || inObject) return 'build';
    if (path.length === 1 && path[0] === 'traceEvents') {
      if (kind !== 'array') refuse('not a Chrome trace (its traceEvents is not an array)');
      this.hasEventList = true;
      return 'walk';
    }
    return 'skip';
  }

  value(path: JsonPath, value: JsonValue): void {
    const inArray = path.length === 1 && typeof path[0] === 'number';
    const inObject = path.length === 2 && path[0] === 'traceEvents';
    if (path.length === 1 && path[0] === 'traceEvents') refuse('not a Chrome trace (its traceEvents is not an array)');
    if (!inArray && !inObject) return;
    this.events++;
    const parsed = parseTraceEvent(value);
    if (!parsed.ok) {
      this.session.skip(`trace events skipped: ${parsed.reason}`);
      return;
    }
    this.add(parsed.event, asObject(value)!);
    // Summing the queue per event costs more than the event: every so often is enough.
    if ((this.events & PACE_EVERY_MASK) === 0) this.session.pace();
  }

  private add(event: RawTraceEvent, raw: { [key: string]: JsonValue }): void {
    const threadId = this.threadOf(event.pid, event.tid);
    if (event.ph === 'M') {
      const name = asObject(raw.args)?.name;
      if (event.name === 'thread_name' && typeof name === 'string') this.threadNames.set(threadId, name.slice(0, 200));
      if (event.name === 'process_name' && typeof name === 'string') this.session.note('trace.process', name.slice(0, 200));
      return;
    }
    const offsetUs = this.offsetOf(event.tsUs);
    const data = asObject(raw.args)?.data;
    if (event.name === 'Profile' && event.ph === 'P' && event.id !== null) {
      this.profiles.open(event.pid, event.id, threadId, data, event.tsUs);
      return;
    }
    if (event.name === 'ProfileChunk' && event.ph === 'P' && event.id !== null) {
      const skipped = this.profiles.chunk(event.pid, event.id, data, offsetUs);
      if (skipped) this.session.skip(skipped);
      return;
    }
    if (event.ph === 'C') this.addCounter(event, threadId, offsetUs);
    for (const assembled of this.assembler.add({ ...event, tid: threadId })) this.store(assembled, offsetUs);
  }

  private threadOf(pid: number, tid: number): number {
    const key = `${pid}:${tid}`;
    let id = this.threadIds.get(key);
    if (id === undefined) {
      id = this.threadIds.size;
      this.threadIds.set(key, id);
    }
    return id;
  }

  /** The first timed event fixes where the trace sits on the epoch. */
  private offsetOf(tsUs: number): number {
    if (this.offsetUs === null) {
      const { offsetUs, note } = epochNote(this.session.input, tsUs, null, 'trace');
      this.offsetUs = offsetUs;
      this.session.note('import.clock', note);
    }
    return this.offsetUs;
  }

  private store(event: AssembledEvent, offsetUs: number): void {
    const row: NewTraceEvent = {
      threadId: event.tid,
      timeUs: event.tsUs + offsetUs,
      durationUs: event.durationUs,
      ph: event.ph,
      cat: event.cat,
      name: event.name,
      kind: kindOf(event),
      args: event.args,
    };
    this.session.see(row.timeUs);
    if (row.durationUs !== null) this.session.see(row.timeUs + row.durationUs);
    this.rows.push(row);
    if (this.rows.length >= ROWS_PER_WRITE) this.queueRows();
    this.stored++;
    const span = event.ph === 'b' && event.durationUs !== null ? spanOfAsyncSlice(event, row.timeUs) : null;
    if (span) {
      const { store, sessionId } = this.session;
      this.session.writer.enqueue(() => store.spans.insert(sessionId, span), { kind: 'spans', n: 1 });
      this.spans++;
    }
  }

  /** Queues the rows read so far as one write (one closure per batch, not per event). */
  private queueRows(): void {
    const rows = this.rows;
    if (rows.length === 0) return;
    this.rows = [];
    const { store, sessionId } = this.session;
    this.session.writer.enqueue(() => store.traceEvents.insertMany(sessionId, rows), { kind: 'traceEvents', n: rows.length });
  }

  private addCounter(event: RawTraceEvent, threadId: number, offsetUs: number): void {
    if (!event.args) return;
    const timeUs = event.tsUs + offsetUs;
    for (const [key, value] of Object.entries(event.args)) {
      const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      if (!Number.isFinite(number)) continue;
      const name = key === 'value' ? event.name : `${event.name}.${key}`;
      this.session.writer.addMetric({ name, unit: '', timeUs, value: number, kind: 'gauge', source: 'trace', threadId, labels: event.cat ? { category: event.cat } : undefined });
      this.counters++;
    }
  }

  finish(): { intervalUs: number } {
    if (!this.hasEventList) refuse('not a Chrome trace (expected an array or an object with traceEvents)');
    if (this.events === 0) refuse('it holds no trace events');
    for (const open of this.assembler.drainOpen()) this.store(open, this.offsetUs ?? 0);
    this.queueRows();
    const unmatched = this.assembler.unmatchedEnds;
    if (unmatched > 0) this.session.note('trace.unmatched', `${unmatched} end halves (E/e) had no begin in the file; they are kept without a duration.`);
    if (this.stored + this.profiles.samples + this.counters === 0) refuse(`none of its ${this.events.toLocaleString('en-US')} events could be read`);
    for (const [key, id] of this.threadIds) {
      const [pid, tid] = key.split(':');
      this.session.thread(id, this.threadNames.get(id) ?? `pid ${pid} tid ${tid}`);
    }
    if (this.stored > 0) this.session.signals.add('trace');
    if (this.profiles.samples > 0) this.session.signals.add('cpu');
    if (this.counters > 0) this.session.signals.add('metrics');
    if (this.spans > 0) this.session.note('trace.spans', `${this.spans} async slices carried OpenTelemetry trace and span ids and were also stored as spans.`);
    return { intervalUs: this.profiles.intervalUs };
  }
}

function kindOf(event: AssembledEvent): TraceEventKind {
  if (USER_TIMING.test(event.cat)) return event.durationUs !== null ? 'measure' : 'mark';
  return traceEventKind(event.cat, event.name);
}
