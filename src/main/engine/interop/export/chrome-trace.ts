// Chrome trace JSON out (JSON Object Format), for Perfetto, chrome://tracing and DevTools:
//   thread names as metadata (ph M); recorded trace events as they were stored; CPU samples as
//   DevTools records them (a "Profile" event, then "ProfileChunk" events carrying call tree nodes,
//   sample ids and time deltas); spans as async slices (ph b/e, cat "span", one id per trace, so a
//   trace's spans nest); logs as thread-scoped instants (ph i, s t); metrics as counters (ph C).
// Time base: every ts is microseconds since the Unix epoch (the store's own), so the file lines up
// with other epoch-based data. pid is the target's pid (1 when unknown); tid is Parallax's thread
// id + 1 (0 is the main thread in Parallax, and some viewers treat tid 0 as "no thread").
import type { Store } from '../../store/store';
import { type CallTree, MonotonicClock, frameOf, parentOf, sessionCallTree, threadChunks } from './call-tree';
import { writeFileInPieces } from './file-sink';
import type { WrittenFile } from './cpuprofile';
import type { Redactor } from '../../bundle/redaction';
import { logRows, metricPoints, metricSeries, redacted, sessionThreads, spanRows, traceEventRows } from './session-rows';

const PROFILER_CATEGORY = 'disabled-by-default-v8.cpu_profiler';
const SAMPLES_PER_CHUNK = 10_000;
const INSTANT_NAME_CHARS = 120;
/** Phases that stand alone without an id; others (async, flow) lost their id in the store. */
const KEPT_PHASES = new Set(['X', 'B', 'E', 'i', 'I', 'C', 'R', 'O']);

export function writeChromeTrace(store: Store, sessionId: string, path: string, redactor: Redactor | null = null): WrittenFile[] {
  const session = store.sessions.get(sessionId);
  const pid = session.target.pid ?? 1;
  const counts = { events: 0, samples: 0, spans: 0, logs: 0, points: 0 };
  const bytes = writeFileInPieces(path, (sink) => {
    let first = true;
    const emit = (event: Record<string, unknown>): void => {
      sink.write(`${first ? '' : ',\n'}${JSON.stringify(event)}`);
      first = false;
    };
    sink.write('{"displayTimeUnit":"ms","traceEvents":[\n');
    emit({ ph: 'M', cat: '__metadata', name: 'process_name', pid, tid: 0, ts: 0, args: { name: session.target.title ? redacted(redactor, 'command-line', 'sessions.target_title', session.target.title) : session.name } });
    for (const thread of sessionThreads(store, sessionId)) {
      emit({ ph: 'M', cat: '__metadata', name: 'thread_name', pid, tid: thread.id + 1, ts: 0, args: { name: thread.name } });
    }
    for (const event of traceEventRows(store, sessionId, redactor)) {
      const ph = KEPT_PHASES.has(event.ph) ? event.ph : event.durationUs !== null ? 'X' : 'i';
      const out: Record<string, unknown> = { ph, cat: event.cat, name: event.name, ts: event.timeUs, pid, tid: event.threadId + 1 };
      if (ph === 'X') out.dur = event.durationUs ?? 0;
      if (ph === 'i' || ph === 'I') out.s = 't';
      if (event.args) out.args = event.args;
      emit(out);
      counts.events++;
    }
    counts.samples = writeSamples(emit, store, sessionId, pid);
    for (const span of spanRows(store, sessionId, undefined, redactor)) {
      const common = { cat: 'span', name: span.name, pid, tid: (span.threadId ?? 0) + 1, id2: { global: `0x${span.traceId}` } };
      const args = {
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId,
        kind: span.kind,
        status: span.statusCode,
        ...(span.statusMessage ? { statusMessage: span.statusMessage } : {}),
        attributes: span.attributes,
      };
      emit({ ...common, ph: 'b', ts: span.startUs, args });
      emit({ ...common, ph: 'e', ts: Math.max(span.endUs, span.startUs) });
      counts.spans++;
    }
    for (const log of logRows(store, sessionId, redactor)) {
      const firstLine = log.text.split('\n', 1)[0] ?? '';
      emit({
        ph: 'i',
        s: 't',
        cat: `log,${log.source}`,
        name: firstLine.length > INSTANT_NAME_CHARS ? `${firstLine.slice(0, INSTANT_NAME_CHARS)}…` : firstLine,
        ts: log.timeUs,
        pid,
        tid: log.threadId + 1,
        args: {
          level: log.level,
          text: log.text,
          ...(log.url ? { url: log.url, line: log.line } : {}),
          ...(log.traceId ? { traceId: log.traceId } : {}),
          ...(log.spanId ? { spanId: log.spanId } : {}),
          ...(log.attributes ? { attributes: log.attributes } : {}),
        },
      });
      counts.logs++;
    }
    for (const series of metricSeries(store, sessionId, redactor)) {
      const labels = Object.entries(series.labels).map(([k, v]) => `${k}=${v}`).join(',');
      const name = labels ? `${series.name}{${labels}}` : series.name;
      for (const [timeUs, value] of metricPoints(store, series.id)) {
        if (!Number.isFinite(value)) continue;
        emit({ ph: 'C', cat: `metric,${series.source}`, name, ts: timeUs, pid, tid: series.threadId + 1, args: { [series.unit || 'value']: value } });
        counts.points++;
      }
    }
    sink.write('\n]}\n');
  });
  const detail = `${counts.events} trace events, ${counts.samples} CPU samples, ${counts.spans} spans, ${counts.logs} logs, ${counts.points} metric points`;
  return [{ path, bytes, detail }];
}

/** One Profile and its ProfileChunks per sampled thread; nodes go out with the first chunk that uses them. */
function writeSamples(emit: (event: Record<string, unknown>) => void, store: Store, sessionId: string, pid: number): number {
  const tree = sessionCallTree(store, sessionId);
  let total = 0;
  for (const thread of sessionThreads(store, sessionId)) {
    const id = `0x${(thread.id + 1).toString(16)}`;
    const tid = thread.id + 1;
    const sent = new Set<number>();
    const clock = new MonotonicClock();
    let previous: number | null = null;
    for (const chunk of threadChunks(store, sessionId, thread.id)) {
      for (let from = 0; from < chunk.stackIds.length; from += SAMPLES_PER_CHUNK) {
        const to = Math.min(from + SAMPLES_PER_CHUNK, chunk.stackIds.length);
        const firstUs = clock.next(chunk.timesUs[from]!);
        if (previous === null) {
          previous = firstUs;
          emit({ ph: 'P', cat: PROFILER_CATEGORY, name: 'Profile', id, pid, tid, ts: firstUs, args: { data: { startTime: firstUs } } });
        }
        const nodes: Record<string, unknown>[] = [];
        const samples: number[] = [];
        const timeDeltas: number[] = [];
        for (let i = from; i < to; i++) {
          const stack = chunk.stackIds[i]!;
          addNodes(tree, stack, sent, nodes);
          samples.push(nodeId(tree, stack));
          const t: number = i === from ? firstUs : clock.next(chunk.timesUs[i]!);
          timeDeltas.push(t - previous);
          previous = t;
        }
        emit({ ph: 'P', cat: PROFILER_CATEGORY, name: 'ProfileChunk', id, pid, tid, ts: previous, args: { data: { cpuProfile: { nodes, samples }, timeDeltas } } });
        total += to - from;
      }
    }
  }
  return total;
}

/** Node ids are stack id + 1, so the root (stack 0) is node 1; stacks outside the table are the root. */
function nodeId(tree: CallTree, stack: number): number {
  return stack > 0 && stack < tree.parent.length ? stack + 1 : 1;
}

/** Adds the nodes of `stack` and its ancestors not sent yet, parents first. */
function addNodes(tree: CallTree, stack: number, sent: Set<number>, out: Record<string, unknown>[]): void {
  const chain: number[] = [];
  for (let s = nodeId(tree, stack) - 1, guard = 0; !sent.has(s) && guard < 100_000; guard++) {
    chain.push(s);
    if (s === 0) break;
    s = parentOf(tree, s);
  }
  for (const s of chain.reverse()) {
    sent.add(s);
    const frame = frameOf(tree, s);
    const node: Record<string, unknown> = {
      id: s + 1,
      callFrame: { functionName: frame.functionName, scriptId: 0, url: frame.url, lineNumber: frame.lineNumber, columnNumber: frame.columnNumber },
    };
    if (s !== 0) node.parent = parentOf(tree, s) + 1;
    out.push(node);
  }
}
