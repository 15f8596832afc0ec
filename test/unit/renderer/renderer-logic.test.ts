import { describe, expect, it } from 'vitest';
import type { MetricSeries } from '../../../src/shared/domain';
import { parseRecordRequest, type AttachFields } from '../../../src/renderer/views/attach/parse-target';
import { pagesFor, visibleRows } from '../../../src/renderer/views/logs/virtual-rows';
import { alignSeries, groupByUnit } from '../../../src/renderer/views/metrics/align-series';
import { parseIncoming } from '../../../src/renderer/api/wire-message';
import { apiSocketUrl } from '../../../src/renderer/api/websocket-client';
import { formatBytes, formatClock, formatDurationMs, formatElapsed, formatPercent } from '../../../src/renderer/format/units';

const blank: AttachFields = { kind: 'pid', pid: '', hostPort: '', wsUrl: '', name: '', durationSec: '', intervalUs: '1000', signals: ['cpu', 'logs'] };

describe('attach form parsing', () => {
  it('builds a request for each kind of target', () => {
    expect(parseRecordRequest({ ...blank, pid: ' 4242 ', name: 'api', durationSec: '10' })).toEqual({
      ok: true,
      value: { target: { kind: 'pid', pid: 4242 }, name: 'api', durationSec: 10, intervalUs: 1000, signals: ['cpu', 'logs'] },
    });
    expect(parseRecordRequest({ ...blank, kind: 'inspect', hostPort: 'localhost:9230', intervalUs: '' })).toEqual({
      ok: true,
      value: { target: { kind: 'inspect', host: 'localhost', port: 9230 }, signals: ['cpu', 'logs'] },
    });
    expect(parseRecordRequest({ ...blank, kind: 'inspect', hostPort: '9229', intervalUs: '' })).toEqual({
      ok: true,
      value: { target: { kind: 'inspect', host: '127.0.0.1', port: 9229 }, signals: ['cpu', 'logs'] },
    });
    expect(parseRecordRequest({ ...blank, kind: 'ws', wsUrl: 'ws://127.0.0.1:9229/abc', intervalUs: '' })).toEqual({
      ok: true,
      value: { target: { kind: 'ws', url: 'ws://127.0.0.1:9229/abc' }, signals: ['cpu', 'logs'] },
    });
  });

  it('explains what is wrong in words', () => {
    const fail = (fields: Partial<AttachFields>) => {
      const result = parseRecordRequest({ ...blank, ...fields });
      return result.ok ? null : result.message;
    };
    expect(fail({})).toMatch(/Choose a process/);
    expect(fail({ pid: 'abc' })).toMatch(/not a process id/);
    expect(fail({ kind: 'inspect', hostPort: 'host:99999' })).toMatch(/host:port/);
    expect(fail({ kind: 'ws', wsUrl: 'http://x' })).toMatch(/WebSocket URL/);
    expect(fail({ pid: '42', signals: [] })).toMatch(/at least one signal/);
    expect(fail({ pid: '1', durationSec: '-3' })).toMatch(/Duration/);
    expect(fail({ pid: '1', intervalUs: '2.5' })).toMatch(/Sampling interval/);
  });
});

describe('log virtualisation', () => {
  it('renders only rows near the viewport, in whole pages', () => {
    expect(visibleRows(0, 100, 20, 1000, 2)).toEqual({ first: 0, last: 7 });
    expect(visibleRows(2000, 100, 20, 1000, 2)).toEqual({ first: 98, last: 107 });
    expect(visibleRows(19_990, 100, 20, 1000, 2)).toEqual({ first: 997, last: 999 });
    expect(visibleRows(0, 100, 20, 0)).toEqual({ first: 0, last: -1 });
    expect(pagesFor({ first: 190, last: 410 }, 200)).toEqual({ first: 0, last: 2 });
  });
});

describe('metric alignment', () => {
  const series = (name: string, unit: string, timesUs: number[], values: number[]): MetricSeries => ({
    name,
    unit,
    kind: 'gauge',
    labels: {},
    source: 'runtime',
    threadId: 0,
    timesUs,
    values,
  });

  it('groups by unit in a fixed order and aligns times with gaps as null', () => {
    const groups = groupByUnit([
      series('delay p99', 'ms', [1], [1]),
      series('heap used', 'bytes', [1], [1]),
      series('cpu', 'percent', [1], [1]),
      series('empty', 'bytes', [], []),
    ]);
    expect(groups.map((g) => [g.unit, g.series.length])).toEqual([['percent', 1], ['bytes', 1], ['ms', 1]]);
    const aligned = alignSeries([series('a', 'ms', [2_000_000, 1_000_000], [2, 1]), series('b', 'ms', [1_000_000, 3_000_000], [5, NaN])]);
    expect(aligned).toEqual({ xs: [1, 2, 3], ys: [[1, 2, null], [5, null, null]] });
  });
});

describe('wire messages', () => {
  it('narrows replies, errors and events and rejects anything else', () => {
    expect(parseIncoming('{"id":3,"result":[1]}')).toEqual({ kind: 'result', id: 3, result: [1] });
    expect(parseIncoming('{"id":4,"error":{"message":"PID 1 is not a Node.js process","code":"not-node"}}')).toEqual({
      kind: 'error', id: 4, message: 'PID 1 is not a Node.js process', code: 'not-node',
    });
    expect(parseIncoming('{"event":"sessionsChanged","payload":{}}')).toEqual({ kind: 'event', event: 'sessionsChanged', payload: {} });
    expect(parseIncoming('{"event":"nope"}')).toBeNull();
    expect(parseIncoming('{"id":"1","result":2}')).toBeNull();
    expect(parseIncoming('not json')).toBeNull();
  });

  it('builds the socket address from the page address and its token', () => {
    expect(apiSocketUrl({ protocol: 'http:', host: '127.0.0.1:4000', search: '?token=a b' })).toBe('ws://127.0.0.1:4000/api?token=a%20b');
    expect(apiSocketUrl({ protocol: 'https:', host: 'h', search: '' })).toBe('wss://h/api?token=');
  });
});

describe('formatting', () => {
  it('prints times, sizes and shares for people', () => {
    const us = new Date(2024, 0, 2, 3, 4, 5, 678).getTime() * 1000 + 999;
    expect(formatClock(us)).toBe('03:04:05.678');
    expect(formatDurationMs(0.25)).toBe('250 µs');
    expect(formatDurationMs(12.34)).toBe('12.3 ms');
    expect(formatDurationMs(3210)).toBe('3.21 s');
    expect(formatDurationMs(245_000)).toBe('4m 05s');
    expect(formatElapsed(65_500)).toBe('1:05');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MB');
    expect(formatPercent(0.456)).toBe('46%');
    expect(formatPercent(0.0123)).toBe('1.2%');
  });
});
