// The stdout signal end to end: a target launched by Parallax logs with real pino, winston and
// bunyan, prints plain lines on stdout and stderr, and every line lands in the store as a log
// record with the right level, severity, ids and attributes.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/shared/domain';
import { Engine } from '../../src/main/engine/engine';
import { announcedWsUrl } from '../support/store-files';
import { startTarget, waitFor } from '../support/targets';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';

const LOGGERS = resolve(__dirname, '../fixtures/loggers-stdout.cjs');
const SCENARIO = resolve(__dirname, '../fixtures/scenario-target.cjs');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

const cleanups = cleanupsAfterEach();

function openEngine(): Engine {
  return openTestEngine(cleanups).engine;
}

async function outputLogs(engine: Engine, sessionId: string): Promise<LogRecord[]> {
  const page = await engine.getLogs(sessionId, { offset: 0, limit: 1000 });
  return page.records.filter((r) => r.source === 'stdout' || r.source === 'stderr');
}

function byText(logs: LogRecord[], text: string): LogRecord {
  const found = logs.filter((r) => r.text === text);
  expect(found, `one record "${text}" in ${JSON.stringify(logs.map((r) => r.text))}`).toHaveLength(1);
  return found[0]!;
}

describe('stdout and stderr of a launched target', () => {
  it('stores pino, winston and bunyan lines as OTel log records and plain lines as text', async () => {
    const engine = openEngine();
    const { sessionId } = await engine.startRecording({
      target: { kind: 'launch', command: [process.execPath, LOGGERS] },
      signals: ['stdout'],
    });
    cleanups.push(() => engine.stopRecording(sessionId));
    await waitFor('the fixture to finish logging', async () => (await outputLogs(engine, sessionId)).some((r) => r.text === 'loggers done'), 20_000);
    const session = await engine.stopRecording(sessionId);
    const logs = await outputLogs(engine, sessionId);

    // Heard from the very first line, before the target's code ran any further.
    expect(logs[0]!.text).toBe('first line, before any logger loads');
    // The inspector's own announcements are not the target's output.
    expect(logs.some((r) => r.text.includes('Debugger listening'))).toBe(false);

    const traced = byText(logs, 'pino with trace');
    expect(traced).toMatchObject({ source: 'stdout', level: 'info', severityNumber: 9, traceId: TRACE_ID, spanId: SPAN_ID, threadId: 0 });
    expect(traced.attributes).toEqual({ pid: session.target.pid, hostname: expect.any(String), trace_flags: '01', orderId: 7 });
    expect(traced.timeUs % 1000).toBe(0); // pino's own time, in ms
    expect(traced.timeUs).toBeGreaterThanOrEqual(session.startedAt - 1000);
    expect(traced.timeUs).toBeLessThanOrEqual(session.endedAt!);

    const badIds = byText(logs, 'pino with bad ids');
    expect(badIds).toMatchObject({ level: 'warn', severityNumber: 13, traceId: null, spanId: null });
    expect(badIds.attributes).toMatchObject({ trace_id: 'not-a-trace-id', span_id: '0000000000000000' });
    expect(byText(logs, 'pino error')).toMatchObject({ level: 'error', severityNumber: 17 });
    expect(byText(logs, 'pino error').attributes?.err).toMatchObject({ type: 'Error', message: 'pino boom' });
    expect(byText(logs, 'pino debug')).toMatchObject({ level: 'debug', severityNumber: 5 });

    const winstonInfo = byText(logs, 'winston info');
    expect(winstonInfo).toMatchObject({ source: 'stdout', level: 'info', severityNumber: 9, attributes: { user: 'ada' } });
    expect(byText(logs, 'winston http')).toMatchObject({ level: 'debug', severityNumber: 7, attributes: null });
    expect(byText(logs, 'winston error')).toMatchObject({ level: 'error', severityNumber: 17 });

    expect(byText(logs, 'bunyan with dd')).toMatchObject({
      severityNumber: 9,
      traceId: '0000000000000000112210f47de98115',
      spanId: '000000003ade68b1',
      attributes: { name: 'shop', hostname: expect.any(String), pid: session.target.pid },
    });
    expect(byText(logs, 'bunyan fatal')).toMatchObject({ level: 'fatal', severityNumber: 21 });

    expect(byText(logs, 'plain stdout line ünïcödé ✓')).toMatchObject({ source: 'stdout', level: 'info', severityNumber: 9, attributes: null });
    expect(byText(logs, 'plain stderr note')).toMatchObject({ source: 'stderr', level: 'info', severityNumber: 9 });
    expect(byText(logs, 'Error: something went wrong on stderr')).toMatchObject({ source: 'stderr', level: 'error', severityNumber: 17 });
    expect(byText(logs, 'json on stderr')).toMatchObject({ source: 'stderr', level: 'error', severityNumber: 17 });
    // Invalid JSON is kept as it was printed.
    expect(byText(logs, '{"level":30,"msg":"cut short}')).toMatchObject({ severityNumber: 9, attributes: null });

    // A line over 64 KiB is cut with a marker and a count, and kept as text.
    const long = logs.find((r) => r.text.startsWith('{"level":30,"msg":"xxx'))!;
    expect(long.text.endsWith(` … [truncated: ${70 * 1024 + 21 - 64 * 1024} more bytes]`)).toBe(true);
    expect(long).toMatchObject({ severityNumber: 9, attributes: null });

    expect(logs.filter((r) => r.source === 'stdout')).toHaveLength(14);
    expect(logs.filter((r) => r.source === 'stderr')).toHaveLength(3);
    expect(session.notes).toMatchObject({
      'stdout.lines': '17',
      'stdout.jsonLines': '10',
      'stdout.badTraceIds': '1',
      'stdout.badSpanIds': '1',
      'stdout.invalidJson': '1',
      'stdout.truncatedLines': '1',
    });
  });

  it('keeps the last line a target printed without a newline when it exits', async () => {
    const engine = openEngine();
    const { sessionId } = await engine.startRecording({
      target: { kind: 'launch', command: [process.execPath, LOGGERS, '--exit'] },
      signals: ['stdout', 'logs'],
    });
    cleanups.push(() => engine.stopRecording(sessionId));
    const session = await engine.whenRecordingEnds(sessionId);
    expect(session.status).toBe('target-exited');
    const logs = await outputLogs(engine, sessionId);
    expect(logs.at(-1)).toMatchObject({ text: 'tail without newline', source: 'stdout', severityNumber: 9 });
    expect(logs.filter((r) => r.traceId === TRACE_ID)).toHaveLength(1);
    // console.log reaches both the console API and stdout: it is kept once, as the console
    // record (which knows its source location), and the echo is counted.
    const console = await engine.getLogs(sessionId, { offset: 0, limit: 100, text: 'loggers done' });
    expect(console.records.map((r) => r.source)).toEqual(['console']);
    expect(Number((await engine.getSummary(sessionId)).notes['stdout.consoleEchoes'])).toBeGreaterThanOrEqual(1);
  });

  it('captures nothing from an attached target, and says so', async () => {
    const engine = openEngine();
    const target = await startTarget(SCENARIO, { nodeArgs: ['--inspect=127.0.0.1:0'] });
    cleanups.push(() => target.stop());
    await waitFor('the inspector announcement', () => announcedWsUrl(target.stderr()) !== null);
    const { sessionId } = await engine.startRecording({
      target: { kind: 'ws', url: announcedWsUrl(target.stderr())! },
      signals: ['stdout'],
      durationSec: 1,
    });
    const session = await engine.whenRecordingEnds(sessionId);
    expect(session.notes.stdout).toBe('only for targets Parallax launched');
    expect(await outputLogs(engine, sessionId)).toEqual([]);
    // The target did print meanwhile: to its own pipes, which Parallax does not own.
    expect(target.stdout()).toContain('tick');
  });
});
