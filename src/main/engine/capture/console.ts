// Console API calls and uncaught exceptions of the target, as log records.
import type Protocol from 'devtools-protocol';
import type { LogLevel } from '../../../shared/domain';
import type { InspectorSession } from '../inspector/connection';
import type { SessionWriter } from '../store/session-writer';
import { describe, formatConsoleArgs } from './console-format';

// Node reports these twice: first with V8's type, then formatted as log/warning/error
// (research/inspector.md §6.1). Keep only the formatted copy.
const REPORTED_AGAIN = new Set(['trace', 'table', 'timeEnd', 'count', 'startGroup', 'startGroupCollapsed', 'assert', 'endGroup']);

const LEVELS: Record<string, LogLevel> = {
  log: 'info',
  info: 'info',
  dir: 'info',
  dirxml: 'info',
  debug: 'debug',
  warning: 'warn',
  error: 'error',
  clear: 'info',
  profile: 'debug',
  profileEnd: 'debug',
  timeLog: 'info',
};

const RELEASE_EVERY_MS = 1000;

export class ConsoleCapture {
  private readonly unsubscribe: (() => void)[] = [];
  private releaseTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly connection: InspectorSession,
    private readonly writer: SessionWriter,
    /** Messages replayed by Runtime.enable from before this time (epoch µs) are skipped. */
    private readonly sinceUs: number,
    private readonly threadId = 0,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe.push(
      this.connection.on('Runtime.consoleAPICalled', (event) => this.onConsole(event)),
      this.connection.on('Runtime.exceptionThrown', (event) => this.onException(event)),
    );
    await this.connection.send('Runtime.enable');
    // Console arguments stay pinned in the target until released.
    this.releaseTimer = setInterval(() => {
      void this.connection.send('Runtime.releaseObjectGroup', { objectGroup: 'console' }).catch(() => undefined);
    }, RELEASE_EVERY_MS);
  }

  async stop(): Promise<void> {
    if (this.releaseTimer) clearInterval(this.releaseTimer);
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.connection.isClosed) return;
    await this.connection.send('Runtime.releaseObjectGroup', { objectGroup: 'console' }).catch(() => undefined);
    await this.connection.send('Runtime.disable').catch(() => undefined);
  }

  private onConsole(event: Protocol.Runtime.ConsoleAPICalledEvent): void {
    const timeUs = event.timestamp * 1000;
    if (timeUs < this.sinceUs || REPORTED_AGAIN.has(event.type)) return;
    const frame = event.stackTrace?.callFrames[0];
    this.writer.addLog({
      timeUs,
      level: LEVELS[event.type] ?? 'info',
      source: 'console',
      threadId: this.threadId,
      text: formatConsoleArgs(event.args),
      url: frame?.url || null,
      line: frame ? frame.lineNumber + 1 : null,
    });
  }

  private onException(event: Protocol.Runtime.ExceptionThrownEvent): void {
    const details = event.exceptionDetails;
    const text = details.exception ? describe(details.exception, true) : details.text;
    this.writer.addLog({
      timeUs: event.timestamp * 1000,
      level: 'fatal',
      source: 'exception',
      threadId: this.threadId,
      text: `${details.text}: ${text}`,
      url: details.url ?? details.stackTrace?.callFrames[0]?.url ?? null,
      line: details.lineNumber + 1,
    });
  }
}
