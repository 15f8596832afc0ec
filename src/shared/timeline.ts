// The timeline's question and answer: every signal of a window, sized by pixels rather than by records.
// Its bulky parts are typed-array columns: the web host sends them as one binary frame (binary-frame.ts)
// and Electron IPC clones them, so the window reads them as they arrive instead of parsing JSON.
import type { FrameKind, LogLevel, TimeRange, TraceEventKind } from './domain';

/** Event kinds by the index TimelineEventBuckets.kind holds (also the engine's stored column order). */
export const TIMELINE_EVENT_KINDS: readonly TraceEventKind[] = ['gc', 'mark', 'measure', 'console', 'http', 'fs', 'loop', 'other'];
/** Log levels by the index TimelineLogBuckets.level holds, quietest first. */
export const TIMELINE_LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export interface TimelineQuery {
  /** The window to answer for; callers pad it beyond what they show so small pans need no fetch. */
  range: TimeRange;
  /** Pixel columns the window is drawn across; resolutionUs = range / widthPx. */
  widthPx: number;
  /** Only these threads' CPU slices and trace events; every thread when absent. */
  threadIds?: number[];
  /** Send the session's function table too (it grows while a session records). */
  includeFunctions?: boolean;
}

/** A function as the flame chart colours and names it; ids index this table. */
export interface TimelineFunction {
  name: string;
  url: string;
  /** 1-based line; 0 when unknown. */
  line: number;
  kind: FrameKind;
}

/**
 * Flame-chart slices of one thread in columns: consecutive samples sharing a call-stack node at a
 * depth are one slice; runs of slices narrower than the resolution are merged into one slice
 * (merged[i] > 1) named after its longest part, so the answer size follows pixels, not samples.
 */
export interface TimelineThreadSlices {
  threadId: number;
  depth: Int32Array;
  /** Whole microseconds. */
  startUs: Float64Array;
  endUs: Float64Array;
  functionId: Int32Array;
  /** How many exact slices each slice stands for. */
  merged: Int32Array;
  maxDepth: number;
  sampleCount: number;
  /** Every how many samples one was read: 1 reads all; wider windows step so each pixel still gets two. */
  sampleStride: number;
}

/**
 * Trace events per (thread, kind, pixel column) as columns, in time order; count 1 is the event
 * itself, a bucket of more is named after its first event.
 */
export interface TimelineEventBuckets {
  threadId: Int32Array;
  /** Index into TIMELINE_EVENT_KINDS. */
  kind: Uint8Array;
  /** Index into names. */
  name: Int32Array;
  startUs: Float64Array;
  endUs: Float64Array;
  count: Int32Array;
  names: string[];
}

/** A span as the timeline draws it; nesting comes from parentSpanId. */
export interface TimelineSpan {
  spanId: string;
  traceId: string;
  parentSpanId: string | null;
  name: string;
  startUs: number;
  endUs: number;
  statusCode: 0 | 1 | 2;
  thread: number | null;
}

export interface TimelineLog {
  id: number;
  timeUs: number;
  level: LogLevel;
  threadId: number;
  /** The first line, cut to a length a tooltip shows. */
  text: string;
  spanId: string | null;
}

/** Logs per pixel column and level as columns, when the window holds too many to send one by one. */
export interface TimelineLogBuckets {
  /** The bucket's first log. */
  startUs: Float64Array;
  /** Index into TIMELINE_LOG_LEVELS. */
  level: Uint8Array;
  count: Int32Array;
}

export type TimelineCaptureKind = 'cpu-profile' | 'heap-sampling' | 'heap-snapshot';

/** A profile or snapshot on the timeline: CPU profile segments, heap-sampling reads, heap snapshots. */
export interface TimelineCapture {
  kind: TimelineCaptureKind;
  threadId: number;
  startUs: number;
  endUs: number;
  /** Heap snapshot id, for opening it. */
  snapshotId: number | null;
  label: string;
}

export interface TimelineAnswer {
  range: TimeRange;
  resolutionUs: number;
  /** First and last time any signal of the session has; null for an empty session. */
  extent: TimeRange | null;
  /** Length of the session's function table; ids at or past the table the caller holds mean it should ask again. */
  functionCount: number;
  functions: TimelineFunction[] | null;
  threads: { id: number; name: string }[];
  slices: TimelineThreadSlices[];
  events: TimelineEventBuckets;
  spans: TimelineSpan[];
  /** Spans left out of `spans` (too many, or narrower than the resolution); spanDensity still counts them. */
  spansOmitted: number;
  /** Spans starting in each pixel column of the window (length widthPx). */
  spanDensity: Int32Array;
  logs: TimelineLog[] | null;
  logBuckets: TimelineLogBuckets | null;
  logCount: number;
  captures: TimelineCapture[];
}
