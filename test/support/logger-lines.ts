// Real log lines from real pino, winston and bunyan loggers, written to memory instead of a pipe.
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import pino from 'pino';
import winston from 'winston';

/** The part of bunyan's API the tests use (bunyan ships no types). */
interface BunyanLogger {
  trace(fields: object, message: string): void;
  debug(message: string): void;
  info(fields: object | string, message?: string): void;
  warn(message: string): void;
  error(fields: object, message: string): void;
  fatal(message: string): void;
}
interface Bunyan {
  createLogger(options: { name: string; level: string; streams: { stream: { write(text: string): void } }[] }): BunyanLogger;
}

const require = createRequire(import.meta.url);

function collector(): { lines: string[]; write(text: string): void } {
  const lines: string[] = [];
  return { lines, write: (text) => lines.push(...text.split('\n').filter((l) => l !== '')) };
}

/** Lines pino writes (pino writes synchronously to a destination with a write method). */
export function pinoLines(log: (logger: pino.Logger) => void, options: pino.LoggerOptions = {}): string[] {
  const sink = collector();
  log(pino({ level: 'trace', ...options }, { write: sink.write }));
  return sink.lines;
}

/** Lines winston's json format writes through a stream transport (synchronous for a plain Writable). */
export function winstonLines(
  log: (logger: winston.Logger) => void,
  options: { format?: winston.Logform.Format; levels?: winston.config.AbstractConfigSetLevels } = {},
): string[] {
  const sink = collector();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.write(chunk.toString());
      done();
    },
  });
  const logger = winston.createLogger({
    level: options.levels ? 'debug' : 'silly',
    levels: options.levels,
    format: options.format ?? winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream })],
  });
  log(logger);
  logger.close();
  return sink.lines;
}

/** Lines bunyan writes to a raw stream. */
export function bunyanLines(log: (logger: BunyanLogger) => void): string[] {
  const sink = collector();
  const bunyan = require('bunyan') as Bunyan;
  log(bunyan.createLogger({ name: 'shop', level: 'trace', streams: [{ stream: { write: sink.write } }] }));
  return sink.lines;
}
