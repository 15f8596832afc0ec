// Severity numbers for logger levels (the OpenTelemetry JS instrumentations' tables) and for
// plain output lines.
import { describe, expect, it } from 'vitest';
import {
  logLevelOf,
  severityOfLevelName,
  severityOfNumericLevel,
  severityOfPlainLine,
} from '../../src/main/engine/capture/stdout/severity';

describe('severity of levels', () => {
  it('scales custom pino/bunyan levels onto the numbered severities', () => {
    expect([10, 20, 30, 40, 50, 60].map(severityOfNumericLevel)).toEqual([1, 5, 9, 13, 17, 21]);
    // (level - 10) / 60 of the 18 extra severities TRACE2..FATAL4; below 10 is TRACE2.
    expect(severityOfNumericLevel(5)).toBe(2);
    expect(severityOfNumericLevel(35)).toBe(11);
    expect(severityOfNumericLevel(45)).toBe(15);
    expect(severityOfNumericLevel(65)).toBe(23);
    expect(severityOfNumericLevel(1000)).toBe(24);
    expect(severityOfNumericLevel(Number.NaN)).toBeNull();
  });

  it('knows winston npm, syslog and cli names and common text names', () => {
    const names = { silly: 1, input: 2, prompt: 4, debug: 5, verbose: 6, http: 7, info: 9, notice: 10, data: 10, help: 11 };
    for (const [name, severity] of Object.entries(names)) expect(severityOfLevelName(name)).toBe(severity);
    const high = { warn: 13, WARNING: 13, Error: 17, crit: 21, critical: 21, fatal: 21, alert: 22, emerg: 23 };
    for (const [name, severity] of Object.entries(high)) expect(severityOfLevelName(name)).toBe(severity);
    expect(severityOfLevelName('loud')).toBeNull();
    expect(severityOfLevelName('x'.repeat(10_000))).toBeNull();
  });

  it('shows each severity range as its level', () => {
    expect([null, 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24].map(logLevelOf)).toEqual([
      'info', 'info', 'trace', 'trace', 'debug', 'debug', 'info', 'info', 'warn', 'warn', 'error', 'error', 'fatal', 'fatal',
    ]);
  });
});

describe('severity of plain lines', () => {
  it('reads stdout as info, whatever it says', () => {
    expect(severityOfPlainLine('stdout', 'Error: shown on stdout')).toBe(9);
  });

  it('reads stderr as info unless it looks like an error, a stack frame or a Node warning', () => {
    expect(severityOfPlainLine('stderr', 'compiling 42 modules')).toBe(9);
    expect(severityOfPlainLine('stderr', 'Errors: 0')).toBe(9);
    expect(severityOfPlainLine('stderr', 'ErrorHandler installed')).toBe(9);
    for (const line of [
      'Error: ENOENT: no such file',
      'TypeError: x is not a function',
      'Uncaught RangeError: Maximum call stack size exceeded',
      '    at Object.<anonymous> (/app/index.js:3:9)',
      'ERROR cannot connect',
      'Error',
    ]) {
      expect(severityOfPlainLine('stderr', line)).toBe(17);
    }
    expect(severityOfPlainLine('stderr', '(node:4242) [DEP0005] DeprecationWarning: Buffer() is deprecated')).toBe(13);
    expect(severityOfPlainLine('stderr', '(node:4242) Warning: Possible EventEmitter memory leak detected')).toBe(13);
  });
});
