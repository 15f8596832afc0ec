// Answers the timeline's question for a window: CPU slices per thread, trace events, spans, logs, captures.
import type { SessionInfo, TimeRange } from '../../../shared/domain';
import type { TimelineAnswer, TimelineFunction, TimelineQuery } from '../../../shared/timeline';
import { ParallaxError } from '../../../shared/errors';
import type { Store } from '../store/store';
import { frameKind } from './frame-kind';
import { readSessionColumns, type SessionColumns } from './timeline-columns';
import { type StackColumns, slicesOfChunks, stackColumns } from './timeline-slices';
import { capturesOfWindow, eventBuckets, logsOfWindow, sessionExtent, spansOfWindow } from './timeline-tracks';

/** Wider windows are refused: an answer's size follows its pixel width. */
export const MAX_TIMELINE_WIDTH_PX = 16_384;
const CACHED_SESSIONS = 4;
const HIDDEN_NAMES = new Set(['(idle)']);

interface SessionTables {
  stacks: StackColumns;
  functions: TimelineFunction[];
  hidden: Set<number>;
  /** Kept only once the session has ended; a recording one is read afresh. */
  columns: SessionColumns | null;
  extent: TimeRange | null;
}

/**
 * Keeps the stack and function tables of the last few sessions asked about, so panning and
 * zooming do not re-read them; a recording session's tables grow, and are read again when a
 * sample names a stack the cached copy lacks.
 */
export class TimelineQueries {
  private readonly tables = new Map<string, SessionTables>();

  constructor(private readonly store: Store) {}

  answer(session: SessionInfo, query: TimelineQuery): TimelineAnswer {
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
    let tables = this.tablesOf(sessionId, false);
    const lastStack = (db.prepare(`SELECT MAX(id) AS id FROM stacks WHERE session_id = ?`).get(sessionId) as { id: number | null }).id ?? 0;
    if (lastStack >= tables.stacks.parent.length) tables = this.tablesOf(sessionId, true);
    const chunks = this.store.cpu.chunks(sessionId, range);
    const slices = slicesOfChunks(chunks, tables.stacks, { range, resolutionUs, intervalUs, hiddenFunctions: tables.hidden }, wanted);

    const columns = (ended ? tables.columns : null) ?? readSessionColumns(db, sessionId);
    const extent = (ended ? tables.extent : null) ?? sessionExtent(db, sessionId);
    if (ended) {
      tables.columns = columns;
      tables.extent = extent;
    }
    const spans = spansOfWindow(columns.spans, window);
    const logs = logsOfWindow(db, sessionId, columns.logs, window);
    return {
      range,
      resolutionUs,
      extent,
      functionCount: tables.functions.length,
      functions: query.includeFunctions ? tables.functions : null,
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

  /** A deleted session's tables must not outlive it. */
  forget(sessionId: string): void {
    this.tables.delete(sessionId);
  }

  private tablesOf(sessionId: string, reread: boolean): SessionTables {
    const cached = this.tables.get(sessionId);
    if (cached && !reread) {
      // Most recently used last.
      this.tables.delete(sessionId);
      this.tables.set(sessionId, cached);
      return cached;
    }
    const stacks = stackColumns(this.store.cpu.stacks(sessionId));
    const hidden = new Set<number>();
    const functions: TimelineFunction[] = [];
    for (const f of this.store.cpu.functions(sessionId)) {
      if (f.url === '' && HIDDEN_NAMES.has(f.name)) hidden.add(f.id);
      functions[f.id] = { name: f.name || '(anonymous)', url: f.url, line: f.line + 1, kind: frameKind(f.url) };
    }
    const fresh: SessionTables = { stacks, functions, hidden, columns: null, extent: null };
    this.tables.delete(sessionId);
    this.tables.set(sessionId, fresh);
    while (this.tables.size > CACHED_SESSIONS) this.tables.delete(this.tables.keys().next().value!);
    return fresh;
  }
}
