// Answers the timeline's question for a window: CPU slices per thread, trace events, spans, logs, captures.
import type { SessionInfo, TimeRange } from '../../../shared/domain';
import type { TimelineAnswer, TimelineFunction, TimelineQuery } from '../../../shared/timeline';
import { ParallaxError } from '../../../shared/errors';
import type { CallTables } from '../store/cpu-sample-cache';
import type { Store } from '../store/store';
import { CPU_GAP_CAP_INTERVALS, flameTreeForWindow } from './cpu-profile';
import { frameKind } from './frame-kind';
import { readSessionColumns, type SessionColumns } from './timeline-columns';
import { keepSessionColumns, keptSessionColumns } from './timeline-digest';
import { type StridedSamples, digestStrideFor, keepStridedSamples, keptStridedSamples, windowChunks } from './timeline-sample-digest';
import { type StackColumns, sampleStride, slicesOfChunks, stackColumns } from './timeline-slices';
import { capturesOfWindow, eventBuckets, logsOfWindow, sessionExtent, spansOfWindow } from './timeline-tracks';

/** Wider windows are refused: an answer's size follows its pixel width. */
export const MAX_TIMELINE_WIDTH_PX = 16_384;
const CACHED_SESSIONS = 4;
const CACHED_ANSWERS = 12;
const HIDDEN_NAMES = new Set(['(idle)']);

interface SessionTables {
  stacks: StackColumns;
  functions: TimelineFunction[];
  hidden: Set<number>;
  /** The CPU cache's stack columns these were derived from, to notice when they grew. */
  source: { parent: Int32Array; functionId: Int32Array };
  sourceFunctions: number;
  /** Read once; while the session records, grown by what was stored since. */
  columns: SessionColumns | null;
  /** The columns were read after the session ended: nothing more will come. */
  columnsFinal: boolean;
  extent: TimeRange | null;
  /** An ended session's kept samples per digest stride (null: none kept). */
  strided: Map<number, StridedSamples | null>;
}

/**
 * Keeps what the timeline derives from the stack and function tables of the last few sessions
 * asked about (depths, display names); the tables themselves are the CPU sample cache's, read once
 * per session and grown as a recording adds to them.
 */
export class TimelineQueries {
  private readonly tables = new Map<string, SessionTables>();
  /** Recent answers about ended sessions: "show all" and returning to a window cost nothing twice. */
  private readonly answers = new Map<string, TimelineAnswer>();
  /** Sessions whose sample digests were derived after a whole read (see keepStridedAfterWholeRead). */
  private readonly stridedTried = new Set<string>();

  constructor(private readonly store: Store) {}

  answer(session: SessionInfo, query: TimelineQuery): TimelineAnswer {
    const ended = session.status !== 'recording';
    const key = JSON.stringify([session.id, query.range.fromUs, query.range.toUs, Math.round(query.widthPx), query.threadIds ?? null]);
    const known = ended ? this.answers.get(key) : undefined;
    const found = known ?? this.compute(session, query);
    if (ended) {
      this.answers.delete(key);
      this.answers.set(key, found);
      while (this.answers.size > CACHED_ANSWERS) this.answers.delete(this.answers.keys().next().value!);
    }
    const functions = query.includeFunctions ? this.tablesOf(session.id).functions : null;
    return { ...found, functions };
  }

  private compute(session: SessionInfo, query: TimelineQuery): TimelineAnswer {
    const { id: sessionId, intervalUs } = session;
    const ended = session.status !== 'recording';
    const { range } = query;
    if (!(range.toUs > range.fromUs)) throw new ParallaxError('bad-request', 'The timeline window must end after it starts');
    const widthPx = Math.round(query.widthPx);
    if (!(widthPx >= 1 && widthPx <= MAX_TIMELINE_WIDTH_PX)) {
      throw new ParallaxError('bad-request', `The timeline width must be 1 to ${MAX_TIMELINE_WIDTH_PX} pixels`);
    }
    const resolutionUs = (range.toUs - range.fromUs) / widthPx;
    const window = { range, resolutionUs, widthPx };
    const threadIds = query.threadIds ?? null;
    const wanted = threadIds ? new Set(threadIds) : null;

    const db = this.store.db;
    const tables = this.tablesOf(sessionId);
    // A wide window of an ended session reads the chunks inside it from the sample digest.
    const every = ended ? digestStrideFor(sampleStride(resolutionUs, intervalUs)) : null;
    const strided = every === null ? null : this.stridedOf(session, tables, every);
    const chunks = windowChunks(this.store.cpu.cache, sessionId, range, strided);
    const slices = slicesOfChunks(chunks, tables.stacks, { range, resolutionUs, intervalUs, hiddenFunctions: tables.hidden }, wanted);
    if (every !== null && strided === null && !wanted) this.keepStridedAfterWholeRead(session, tables, range);

    const columns = this.columnsOf(session, tables);
    const extent = (ended ? tables.extent : null) ?? sessionExtent(db, sessionId);
    if (ended) tables.extent = extent;
    const spans = spansOfWindow(columns.spans, window);
    const logs = logsOfWindow(db, sessionId, columns.logs, window);
    return {
      range,
      resolutionUs,
      extent,
      functionCount: tables.functions.length,
      functions: null,
      threads: this.store.threads.list(sessionId),
      slices,
      events: eventBuckets(columns.events, window, wanted),
      spans: spans.spans,
      spansOmitted: spans.omitted,
      spanDensity: spans.density,
      logs: logs.logs,
      logBuckets: logs.buckets,
      logCount: logs.count,
      captures: capturesOfWindow(db, sessionId, range),
    };
  }

  /**
   * An ended session's columns are final: read once, kept as a digest for the next process to open
   * the store; a recording one's are brought up to date on each ask.
   */
  private columnsOf(session: SessionInfo, tables: SessionTables): SessionColumns {
    const ended = session.status !== 'recording';
    if (ended && tables.columns && tables.columnsFinal) return tables.columns;
    const kept = ended && !tables.columns ? keptSessionColumns(this.store.digests, session) : null;
    const columns = kept ?? readSessionColumns(this.store.db, session.id, tables.columns);
    if (ended && !kept) keepQuietly(() => keepSessionColumns(this.store.digests, session, columns));
    tables.columns = columns;
    tables.columnsFinal = ended;
    return columns;
  }

  /**
   * A session ended before sample digests were kept (an older store) gets them when a window
   * covering all of it has just read every chunk anyway.
   */
  private keepStridedAfterWholeRead(session: SessionInfo, tables: SessionTables, range: TimeRange): void {
    // Once per session and process: a store that cannot keep it (read-only, busy) is not asked again.
    if (this.stridedTried.has(session.id)) return;
    const chunks = this.store.cpu.cache.session(session.id).chunks;
    if (chunks.some((chunk) => chunk.startUs < range.fromUs || chunk.endUs > range.toUs)) return;
    this.stridedTried.add(session.id);
    keepQuietly(() => keepStridedSamples(this.store.digests, this.store.cpu.cache, session));
    tables.strided.clear();
  }

  private stridedOf(session: SessionInfo, tables: SessionTables, every: number): StridedSamples | null {
    if (!tables.strided.has(every)) tables.strided.set(every, keptStridedSamples(this.store.digests, session, every));
    return tables.strided.get(every) ?? null;
  }

  /**
   * Derives and keeps an ended session's digests now (after a recording or an import) rather than
   * at the first question: its timeline columns, stack columns and each chunk's CPU self time.
   */
  keepDigests(session: SessionInfo): void {
    if (session.status === 'recording') return;
    this.columnsOf(session, this.tablesOf(session.id));
    keepQuietly(() => this.store.cpu.cache.storeDigests(session.id, session.intervalUs * CPU_GAP_CAP_INTERVALS));
    keepQuietly(() => keepStridedSamples(this.store.digests, this.store.cpu.cache, session));
    // Answering the whole session's flame tree keeps it (see flameTreeForWindow).
    keepQuietly(() => flameTreeForWindow(this.store, session.id, session.intervalUs));
    keepQuietly(() => this.store.traceEvents.keepCounts(session.id));
    keepQuietly(() => this.store.logs.keepCounts(session.id));
    // Reading an ended session's metric series keeps them (see MetricTable.series).
    keepQuietly(() => this.store.metrics.series(session.id));
  }

  /** A deleted session's tables must not outlive it. */
  forget(sessionId: string): void {
    this.tables.delete(sessionId);
    for (const key of [...this.answers.keys()]) if (key.startsWith(JSON.stringify([sessionId]).slice(0, -1))) this.answers.delete(key);
  }

  /** The session's derived tables, brought up to date with the CPU cache's (which follow the store). */
  private tablesOf(sessionId: string): SessionTables {
    const cpu = this.store.cpu.cache.session(sessionId).tables;
    const cached = this.tables.get(sessionId);
    this.tables.delete(sessionId);
    const fresh = cached && cached.source === cpu.stacks && cached.sourceFunctions === cpu.functions.length ? cached : derive(cpu, cached);
    // Most recently used last.
    this.tables.set(sessionId, fresh);
    while (this.tables.size > CACHED_SESSIONS) this.tables.delete(this.tables.keys().next().value!);
    return fresh;
  }
}

function derive(cpu: CallTables, previous: SessionTables | undefined): SessionTables {
  const hidden = new Set<number>();
  const functions: TimelineFunction[] = [];
  for (const f of cpu.functions) {
    if (f.url === '' && HIDDEN_NAMES.has(f.name)) hidden.add(f.id);
    functions[f.id] = { name: f.name || '(anonymous)', url: f.url, line: f.line + 1, kind: frameKind(f.url) };
  }
  return {
    stacks: stackColumns(cpu.stacks),
    functions,
    hidden,
    source: cpu.stacks,
    sourceFunctions: cpu.functions.length,
    columns: previous?.columns ?? null,
    columnsFinal: previous?.columnsFinal ?? false,
    extent: previous?.extent ?? null,
    strided: previous?.strided ?? new Map(),
  };
}

/** A digest is a shortcut only: when it cannot be written (a busy or read-only store), the next ask derives it again. */
function keepQuietly(write: () => void): void {
  try {
    write();
  } catch {
    // Nothing lost: the rows it derives from are stored.
  }
}
