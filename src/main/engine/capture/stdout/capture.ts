// The stdout signal: a launched target's stdout and stderr, line by line, as log records; JSON
// lines from pino, bunyan, winston and the like become structured records (json-log-line.ts).
import type { SessionWriter } from '../../store/session-writer';
import type { PreLaunchCapture, RecordingContext } from '../capture';
import { type LineParseCounts, emptyParseCounts, parseJsonLogLine } from './json-log-line';
import { LineSplitter } from './line-splitter';
import { logLevelOf, severityOfPlainLine, withoutTerminalEscapes } from './severity';

type Stream = 'stdout' | 'stderr';
type Note = (key: string, value: string) => void;

const NOTE_EVERY_MS = 1000;
/** At stop, output already written by the target may still be in the pipe: wait for a quiet spell. */
const DRAIN_QUIET_MS = 50;
const DRAIN_MAX_MS = 400;
/**
 * A plain line waits this long before it is stored: if the console API reported the same line
 * (console.log writes to stdout too), the console record, which knows its source location and
 * thread, is kept instead.
 */
const ECHO_WINDOW_MS = 300;

/** Starts the capture before a launched target runs, so it hears the first line the target prints. */
export async function startStdoutCapture(context: RecordingContext): Promise<PreLaunchCapture | null> {
  if (!context.signals.has('stdout')) return null;
  if (context.request.target.kind !== 'launch') {
    // Another process owns an attached target's pipes; there is nothing Parallax could read.
    context.note('stdout', 'only for targets Parallax launched');
    return null;
  }
  context.writer.trackConsoleEchoes();
  const capture = new StdoutCapture(context.writer, (key, value) => context.note(key, value));
  context.onTargetOutput((stream, chunk) => capture.write(stream, chunk));
  return capture;
}

export interface StdoutCounts extends LineParseCounts {
  lines: number;
  jsonLines: number;
  truncatedLines: number;
  /** Lines also reported by the console API, kept once as console records. */
  consoleEchoes: number;
}

export class StdoutCapture implements PreLaunchCapture {
  readonly env: Record<string, string> = {};
  readonly counts: StdoutCounts = { ...emptyParseCounts(), lines: 0, jsonLines: 0, truncatedLines: 0, consoleEchoes: 0 };
  private readonly splitters: Record<Stream, LineSplitter>;
  private stopped = false;
  private lastChunkMs = 0;
  private notedMs = 0;
  private noted = '';
  private pending: { stream: Stream; text: string; arrivalUs: number; droppedBytes: number }[] = [];
  private pendingTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly writer: SessionWriter,
    private readonly note: Note,
  ) {
    this.splitters = {
      stdout: new LineSplitter((line, dropped) => this.onLine('stdout', line, dropped)),
      stderr: new LineSplitter((line, dropped) => this.onLine('stderr', line, dropped)),
    };
  }

  write(stream: Stream, chunk: Buffer): void {
    if (this.stopped) return;
    this.lastChunkMs = performance.now();
    this.splitters[stream].write(chunk);
    if (this.lastChunkMs - this.notedMs >= NOTE_EVERY_MS) this.writeNotes();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    const startMs = performance.now();
    do {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_QUIET_MS / 2));
    } while (performance.now() - startMs < DRAIN_MAX_MS && performance.now() - this.lastChunkMs < DRAIN_QUIET_MS);
    this.stopped = true;
    this.splitters.stdout.end();
    this.splitters.stderr.end();
    // Console records for the last lines may still be on their way: give them the window.
    if (this.pending.length > 0) await new Promise((resolve) => setTimeout(resolve, ECHO_WINDOW_MS));
    this.storePending(Infinity);
    this.writeNotes();
  }

  private onLine(stream: Stream, line: string, droppedBytes: number): void {
    if (droppedBytes > 0) this.counts.truncatedLines++;
    // A cut JSON line would not parse: it is kept as text, with the marker.
    const parsed = droppedBytes === 0 ? parseJsonLogLine(line, this.counts) : null;
    const arrivalUs = Math.round((performance.timeOrigin + performance.now()) * 1000);
    if (parsed) {
      this.counts.lines++;
      this.counts.jsonLines++;
      this.writer.addLog({
        timeUs: parsed.timeUs ?? arrivalUs,
        level: parsed.level,
        source: stream,
        text: parsed.text,
        severityNumber: parsed.severityNumber,
        traceId: parsed.traceId,
        spanId: parsed.spanId,
        attributes: parsed.attributes,
        threadId: 0,
        url: null,
        line: null,
      });
      return;
    }
    const text = withoutTerminalEscapes(line);
    if (text.trim() === '') return;
    this.counts.lines++;
    this.pending.push({ stream, text, arrivalUs, droppedBytes });
    this.pendingTimer ??= setTimeout(() => {
      this.pendingTimer = null;
      this.storePending(Math.round((performance.timeOrigin + performance.now()) * 1000) - ECHO_WINDOW_MS * 1000);
    }, ECHO_WINDOW_MS);
  }

  /** Stores the plain lines that arrived before `untilUs`, except echoes of console records. */
  private storePending(untilUs: number): void {
    const due = this.pending.filter((p) => p.arrivalUs <= untilUs);
    this.pending = this.pending.filter((p) => p.arrivalUs > untilUs);
    if (this.pending.length > 0 && !this.pendingTimer && !this.stopped) {
      this.pendingTimer = setTimeout(() => {
        this.pendingTimer = null;
        this.storePending(Math.round((performance.timeOrigin + performance.now()) * 1000) - ECHO_WINDOW_MS * 1000);
      }, ECHO_WINDOW_MS);
    }
    for (const p of due) {
      if (p.droppedBytes === 0 && this.writer.takeConsoleEcho(p.text, p.arrivalUs, ECHO_WINDOW_MS * 1000)) {
        this.counts.consoleEchoes++;
        continue;
      }
      this.storePlain(p.stream, p.text, p.arrivalUs, p.droppedBytes);
    }
  }

  private storePlain(stream: Stream, text: string, arrivalUs: number, droppedBytes: number): void {
    const severityNumber = severityOfPlainLine(stream, text);
    this.writer.addLog({
      timeUs: arrivalUs,
      level: logLevelOf(severityNumber),
      source: stream,
      text: droppedBytes > 0 ? `${text} … [truncated: ${droppedBytes} more bytes]` : text,
      severityNumber,
      traceId: null,
      spanId: null,
      attributes: null,
      threadId: 0,
      url: null,
      line: null,
    });
  }

  /** Counts for people, on the session; written when they change, at most once a second. */
  private writeNotes(): void {
    this.notedMs = performance.now();
    const c = this.counts;
    const notes: [string, number][] = [
      ['stdout.lines', c.lines],
      ['stdout.jsonLines', c.jsonLines],
      ['stdout.badTraceIds', c.badTraceIds],
      ['stdout.badSpanIds', c.badSpanIds],
      ['stdout.invalidJson', c.invalidJson],
      ['stdout.oversizedJson', c.oversizedJson],
      ['stdout.truncatedLines', c.truncatedLines],
      ['stdout.consoleEchoes', c.consoleEchoes],
    ];
    const shown = notes.filter(([key, n]) => n > 0 || key === 'stdout.lines');
    const digest = shown.map(([key, n]) => `${key}=${n}`).join(' ');
    if (digest === this.noted) return;
    this.noted = digest;
    for (const [key, n] of shown) this.note(key, String(n));
  }
}
