// The timeline's question and answer: every signal of a window, sized by pixels rather than by records.
import type { FrameKind, LogLevel, TimeRange, TraceEventKind } from './domain';

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
  depth: number[];
  startUs: number[];
  endUs: number[];
  functionId: number[];
  /** How many exact slices each slice stands for. */
  merged: number[];
  maxDepth: number;
  sampleCount: number;
  /** Every how many samples one was read: 1 reads all; wider windows step so each pixel still gets two. */
  sampleStride: number;
}

/** Trace events per (thread, kind, pixel column); count 1 is the event itself. */
export interface TimelineEventBucket {
  threadId: number;
  kind: TraceEventKind;
  name: string;
  startUs: number;
  endUs: number;
  count: number;
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

/** Logs per pixel column and level, when the window holds too many to send one by one. */
export interface TimelineLogBucket {
  startUs: number;
  level: LogLevel;
  count: number;
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
  events: TimelineEventBucket[];
  spans: TimelineSpan[];
  /** Spans left out of `spans` (too many, or narrower than the resolution); spanDensity still counts them. */
  spansOmitted: number;
  /** Spans starting in each pixel column of the window (length widthPx). */
  spanDensity: number[];
  logs: TimelineLog[] | null;
  logBuckets: TimelineLogBucket[] | null;
  logCount: number;
  captures: TimelineCapture[];
}
