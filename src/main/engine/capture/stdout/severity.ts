// OpenTelemetry severity numbers for the levels of pino, bunyan and winston, and for plain lines,
// following the OpenTelemetry JS instrumentations (research/formats-ecosystem-security.md §1(e)).
import type { LogLevel } from '../../../../shared/domain';

/** OTel SeverityNumber values of the levels logging libraries use out of the box. */
export const SEVERITY = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 } as const;

const PINO_LEVELS: Readonly<Record<number, number>> = { 10: 1, 20: 5, 30: 9, 40: 13, 50: 17, 60: 21 };
/** TRACE2..TRACE4, DEBUG2..DEBUG4, ... FATAL2..FATAL4: where custom numeric levels land. */
const EXTRA_SEVERITIES = [2, 3, 4, 6, 7, 8, 10, 11, 12, 14, 15, 16, 18, 19, 20, 22, 23, 24];

/**
 * pino and bunyan levels (10 trace .. 60 fatal). A custom level is scaled over 10..70 onto the
 * numbered severities (TRACE2..FATAL4), as instrumentation-pino does; below 10 is TRACE2.
 */
export function severityOfNumericLevel(level: number): number | null {
  if (!Number.isFinite(level)) return null;
  const known = PINO_LEVELS[level];
  if (known !== undefined) return known;
  const index = Math.floor(((level - 10) / (70 - 10)) * EXTRA_SEVERITIES.length);
  return EXTRA_SEVERITIES[Math.min(EXTRA_SEVERITIES.length - 1, Math.max(0, index))]!;
}

// winston's npm levels (its default), then syslog and cli names that npm lacks, then the names
// other libraries print (pino with a label formatter, log4js, Python, Go): the smallest value of
// each range. `verbose` is npm's 6, not cli's 3, since npm levels are winston's default.
const NAMED_LEVELS: ReadonlyMap<string, number> = new Map([
  ['error', 17],
  ['warn', 13],
  ['info', 9],
  ['http', 7],
  ['verbose', 6],
  ['debug', 5],
  ['silly', 1],
  ['emerg', 23],
  ['alert', 22],
  ['crit', 21],
  ['warning', 13],
  ['notice', 10],
  ['help', 11],
  ['data', 10],
  ['prompt', 4],
  ['input', 2],
  ['trace', 1],
  ['fatal', 21],
  ['critical', 21],
  ['err', 17],
  ['information', 9],
  ['informational', 9],
  ['emergency', 23],
  ['panic', 21],
]);

// Colourising formats (winston's colorize) wrap the level name in terminal escapes.
const ESCAPE = String.fromCharCode(0x1b);
const ANSI_ESCAPES = new RegExp(`${ESCAPE}\\[[0-9;?]*[A-Za-z]`, 'g');

/** winston's level names (npm, syslog, cli) and common text names, case-insensitive; null when unknown. */
export function severityOfLevelName(name: string): number | null {
  if (name.length > 40) return null;
  const key = name.includes(ESCAPE) ? name.replace(ANSI_ESCAPES, '') : name;
  return NAMED_LEVELS.get(key.trim().toLowerCase()) ?? null;
}

/** The coarse level shown in lists; a record without a severity reads as info. */
export function logLevelOf(severityNumber: number | null): LogLevel {
  if (severityNumber === null || severityNumber <= 0) return 'info';
  if (severityNumber <= 4) return 'trace';
  if (severityNumber <= 8) return 'debug';
  if (severityNumber <= 12) return 'info';
  if (severityNumber <= 16) return 'warn';
  if (severityNumber <= 20) return 'error';
  return 'fatal';
}

// A plain stderr line is not an error by default: programs print progress, banners and warnings
// there. Keep it simple: stderr is info (its `source` says where it came from) unless the line
// looks like an error or a stack frame (error), or a Node process warning (warn). stdout is info.
const ERROR_LOOK = /^(?:\s+at\s|\s*(?:Uncaught\s+)?[A-Z]?\w*(?:Error|Exception)\b(?::|\s*$|\s+\[)|\s*(?:ERROR|FATAL|PANIC)\b)/;
const WARNING_LOOK = /^\(node:\d+\) (?:\[\w+\] )?\w*Warning\b/;

export function severityOfPlainLine(stream: 'stdout' | 'stderr', text: string): number {
  if (stream === 'stdout') return SEVERITY.info;
  if (ERROR_LOOK.test(text)) return SEVERITY.error;
  if (WARNING_LOOK.test(text)) return SEVERITY.warn;
  return SEVERITY.info;
}

/** Strips terminal colour and cursor escapes from a plain line: they are display, not content. */
export function withoutTerminalEscapes(text: string): string {
  return text.includes(ESCAPE) ? text.replace(ANSI_ESCAPES, '') : text;
}
