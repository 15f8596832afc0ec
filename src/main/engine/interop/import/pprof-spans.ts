// Spans named by pprof sample labels: span_id, trace_id and span_name (as Parallax's own pprof
// export writes them), Datadog's "span id" (a decimal 64-bit id), Pyroscope's span_id or
// pyroscope.profile.id. The store ties CPU samples to spans by thread and time, so each span
// becomes a span row covering the times its samples were placed at: every sample labelled with
// a span falls in that span, and the span's sample count is what the labels said.
import type { NewSpan } from '../../store/spans';
import { MAIN_THREAD_ID } from '../../store/threads';
import type { ImportSession } from './import-session';

type Numeric = number | bigint;
export interface PprofLabel {
  key: Numeric;
  str: Numeric;
  num: Numeric;
}

const SPAN_KEYS = /^(span[ _]?id|pyroscope\.profile\.id)$/i;
const TRACE_KEYS = /^trace[ _]?id$/i;
const NAME_KEYS = /^span[ _]?name$/i;
const HEX_16 = /^[0-9a-f]{16}$/i;
const HEX_32 = /^[0-9a-f]{32}$/i;
const DECIMAL_64 = /^[0-9]{1,20}$/;
const UNKNOWN_TRACE = '0'.repeat(32);
const MAX_NAME_CHARS = 1000;
const SPANS_PER_WRITE = 5000;

interface LabelledSpan {
  traceId: string | null;
  name: string | null;
  firstUs: number;
  lastUs: number;
  samples: number;
}

export class PprofSpans {
  private readonly spans = new Map<string, LabelledSpan>();
  /** Samples whose span label could not be read as a span id. */
  unreadable = 0;

  constructor(private readonly strings: readonly string[]) {}

  /** The span id a sample's labels name (16 lower-case hex digits), or null. */
  spanOf(labels: readonly PprofLabel[]): string | null {
    let spanId: string | null = null;
    let labelled = false;
    for (const label of labels) {
      const key = this.strings[Number(label.key)];
      if (key === undefined || !SPAN_KEYS.test(key)) continue;
      labelled = true;
      spanId ??= this.idOf(label, key, 16);
    }
    if (labelled && spanId === null) this.unreadable++;
    return spanId;
  }

  /** `count` samples of span `spanId` (with `labels`) were placed from `firstUs` to `lastUs`. */
  add(spanId: string, labels: readonly PprofLabel[], firstUs: number, lastUs: number, count: number): void {
    const known = this.spans.get(spanId);
    if (known) {
      known.firstUs = Math.min(known.firstUs, firstUs);
      known.lastUs = Math.max(known.lastUs, lastUs);
      known.samples += count;
      return;
    }
    let traceId: string | null = null;
    let name: string | null = null;
    for (const label of labels) {
      const key = this.strings[Number(label.key)];
      if (key === undefined) continue;
      if (TRACE_KEYS.test(key)) traceId ??= this.idOf(label, key, 32);
      else if (NAME_KEYS.test(key)) name ??= this.strings[Number(label.str)]?.slice(0, MAX_NAME_CHARS) || null;
    }
    this.spans.set(spanId, { traceId, name, firstUs, lastUs, samples: count });
  }

  get size(): number {
    return this.spans.size;
  }

  /** Queues the spans as rows of the session and says in its notes where their times come from. */
  store(session: ImportSession, timed: boolean): void {
    const { store, sessionId, writer } = session;
    let rows: NewSpan[] = [];
    let untraced = 0;
    const queue = (): void => {
      const batch = rows;
      rows = [];
      if (batch.length > 0) writer.enqueue(() => batch.forEach((span) => store.spans.insert(sessionId, span)), { kind: 'spans', n: batch.length });
    };
    for (const [spanId, span] of this.spans) {
      if (span.traceId === null) untraced++;
      rows.push({
        traceId: span.traceId ?? UNKNOWN_TRACE,
        spanId,
        parentSpanId: null,
        name: span.name ?? `span ${spanId}`,
        kind: 1,
        // Whole µs that hold the first and last sample (the store keeps span times in whole µs).
        startUs: Math.floor(span.firstUs),
        endUs: Math.ceil(span.lastUs),
        statusCode: 0,
        statusMessage: null,
        thread: MAIN_THREAD_ID,
        source: 'pprof',
        attributes: { 'pprof.samples': span.samples },
        resource: {},
      });
      if (rows.length >= SPANS_PER_WRITE) queue();
    }
    queue();
    if (this.spans.size === 0) return;
    session.note(
      'import.pprof.spans',
      `${this.spans.size.toLocaleString('en-US')} spans come from the samples' span labels. pprof keeps no span times: each span covers ` +
        (timed ? 'the times of its first and last labelled sample' : 'the stretch its samples were placed in (samples of one span are placed together)') +
        ', so its CPU samples are the ones its labels named' +
        (timed ? ' (and any other sample taken in that stretch).' : '.') +
        (untraced > 0 ? ` ${untraced.toLocaleString('en-US')} had no trace_id label: their trace id is unknown and shown as all zeros.` : ''),
    );
  }

  /**
   * A hex id of `digits` digits from a label, null when zero or unreadable: a numeric label, or a
   * string under a key with a space (Datadog's "span id"), is a decimal 64-bit id; others are hex.
   */
  private idOf(label: PprofLabel, key: string, digits: 16 | 32): string | null {
    const str = Number(label.str);
    const decimal = !(str > 0) || key.includes(' ');
    const value = str > 0 ? (this.strings[str] ?? '') : String(label.num);
    let hex: string | null = null;
    if (decimal) {
      if (DECIMAL_64.test(value) && BigInt(value) < 2n ** 64n) hex = BigInt(value).toString(16).padStart(digits, '0');
    } else if ((digits === 16 ? HEX_16 : HEX_32).test(value)) hex = value.toLowerCase();
    else if (digits === 32 && HEX_16.test(value)) hex = value.toLowerCase().padStart(32, '0');
    return hex === null || /^0+$/.test(hex) ? null : hex;
  }
}
