// Log lines parsed per second: Parallax's line parser (JSON log lines → OTel-style records, plain
// lines classified) against a bare JSON.parse loop over the same realistic mix of pino, winston,
// bunyan and plain lines, made by the real loggers. Also bytes → records through the line splitter.
import { parseJsonLogLine, emptyParseCounts } from '../../src/main/engine/capture/stdout/json-log-line';
import { LineSplitter } from '../../src/main/engine/capture/stdout/line-splitter';
import { severityOfPlainLine, withoutTerminalEscapes } from '../../src/main/engine/capture/stdout/severity';
import { bunyanLines, pinoLines, winstonLines } from '../support/logger-lines';
import { median } from './statistics';

const EACH = 5000;
const RUNS = 7;
const MIN_RUN_MS = 300;

function hex(n: number, digits: number): string {
  return (n * 2654435761 + 1).toString(16).padStart(digits, '1').slice(-digits);
}

/** 20k lines: pino (half with OTel trace context), winston with metadata, bunyan, and plain text. */
export function realisticLines(): string[] {
  const pino = pinoLines((log) => {
    for (let i = 0; i < EACH; i++) {
      if (i % 2) log.info({ trace_id: hex(i, 32), span_id: hex(i + 1, 16), trace_flags: '01', route: '/orders/:id', ms: i % 97 }, 'request handled');
      else if (i % 7 === 0) log.error({ err: { type: 'Error', message: `timeout after ${i} ms` } }, 'upstream failed');
      else log.debug({ cacheKey: `order:${i}` }, 'cache hit');
    }
  });
  const winston = winstonLines((log) => {
    for (let i = 0; i < EACH; i++) log.log(i % 5 ? 'info' : 'warn', `job ${i} finished`, { queue: 'emails', attempts: i % 3 });
  });
  const bunyan = bunyanLines((log) => {
    for (let i = 0; i < EACH; i++) log.info({ dd: { trace_id: String(1e15 + i), span_id: String(2e12 + i) }, userId: i }, 'bunyan event');
  });
  const plain = Array.from({ length: EACH }, (_, i) =>
    i % 10 === 0 ? `    at handler (/srv/app/routes/orders.js:${i % 300}:17)` : `GET /orders/${i} 200 ${i % 50}.3 ms - 512`,
  );
  // Interleaved, as a real service's output is.
  const lines: string[] = [];
  for (let i = 0; i < EACH; i++) lines.push(pino[i]!, winston[i]!, bunyan[i]!, plain[i]!);
  return lines;
}

/** Lines per second of `pass` over `lines`, the median of RUNS runs of at least MIN_RUN_MS each. */
function rate(lines: readonly string[], pass: (lines: readonly string[]) => number): { linesPerSec: number; checksum: number } {
  let checksum = pass(lines); // warm-up
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let done = 0;
    const startMs = performance.now();
    do {
      checksum += pass(lines);
      done += lines.length;
    } while (performance.now() - startMs < MIN_RUN_MS);
    rates.push(done / ((performance.now() - startMs) / 1000));
  }
  return { linesPerSec: median(rates), checksum };
}

/** The least any JSON log reader does: JSON.parse every line that opens with a brace. */
function bareJsonParse(lines: readonly string[]): number {
  let n = 0;
  for (const line of lines) {
    if (line.charCodeAt(0) !== 0x7b) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (value !== null) n++;
    } catch {
      // counted as not parsed
    }
  }
  return n;
}

/** What StdoutCapture does per line, short of the store: parse, or classify a plain line. */
function parallaxParse(lines: readonly string[]): number {
  const counts = emptyParseCounts();
  let n = 0;
  for (const line of lines) {
    const record = parseJsonLogLine(line, counts);
    if (record) n += record.severityNumber ?? 0;
    else n += severityOfPlainLine('stdout', withoutTerminalEscapes(line));
  }
  return n;
}

export async function benchLogLines(): Promise<Record<string, number>> {
  const lines = realisticLines();
  const baseline = rate(lines, bareJsonParse);
  const parallax = rate(lines, parallaxParse);
  const bytes = Buffer.from(`${lines.join('\n')}\n`);
  const chunks = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));
  const endToEnd = rate(lines, () => {
    let n = 0;
    const splitter = new LineSplitter((line) => {
      const record = parseJsonLogLine(line);
      n += record ? 1 : severityOfPlainLine('stdout', line);
    });
    for (const chunk of chunks) splitter.write(chunk);
    splitter.end();
    return n;
  });
  const meanLineBytes = bytes.length / lines.length;
  return {
    lines: lines.length,
    meanLineBytes,
    jsonShare: lines.filter((l) => l.startsWith('{')).length / lines.length,
    bareJsonParseLinesPerSec: baseline.linesPerSec,
    parallaxParseLinesPerSec: parallax.linesPerSec,
    parallaxVsBareJsonParse: parallax.linesPerSec / baseline.linesPerSec,
    splitAndParseLinesPerSec: endToEnd.linesPerSec,
    splitAndParseMBPerSec: (endToEnd.linesPerSec * meanLineBytes) / 1e6,
    checksum: (baseline.checksum + parallax.checksum + endToEnd.checksum) % 1e9,
  };
}

// `node --import tsx test/bench/log-lines.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  void benchLogLines().then((figures) => console.log(JSON.stringify(figures, null, 2)));
}
