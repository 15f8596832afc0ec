// The prometheus capture against real prom-client servers: typed, labelled series on the
// scrape grid, and recordings that go on (with counts in the notes) when the URL fails.
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricSeries } from '../../src/shared/domain';
import { DEFAULT_SCRAPER_OPTIONS, PrometheusScraper } from '../../src/main/engine/capture/prometheus/scraper';
import { scrapeTargetOf } from '../../src/main/engine/capture/prometheus/scrape-request';
import { Engine } from '../../src/main/engine/engine';
import { SessionWriter } from '../../src/main/engine/store/session-writer';
import { Store } from '../../src/main/engine/store/store';
import { announcedWsUrl, tempStorePath } from '../support/store-files';
import { type StartedTarget, startTarget, waitFor } from '../support/targets';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';

const PROM_TARGET = resolve(__dirname, '../fixtures/prom-target.cjs');

const cleanups = cleanupsAfterEach();

function openEngine(): Engine {
  return openTestEngine(cleanups).engine;
}

async function promTarget(): Promise<{ target: StartedTarget; wsUrl: string; metricsUrl: string }> {
  const target = await startTarget(PROM_TARGET, { nodeArgs: ['--inspect=127.0.0.1:0'] });
  cleanups.push(() => target.stop());
  await waitFor('the inspector announcement', () => announcedWsUrl(target.stderr()) !== null);
  const metricsUrl = /^metrics (\S+)$/m.exec(target.stdout())![1]!;
  return { target, wsUrl: announcedWsUrl(target.stderr())!, metricsUrl };
}

/** A loopback port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

function find(series: MetricSeries[], name: string, labels: Record<string, string> = {}): MetricSeries {
  const found = series.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (!found) throw new Error(`no series ${name} ${JSON.stringify(labels)} among ${series.map((s) => s.name).join(', ')}`);
  return found;
}

describe('scraping a prom-client target', () => {
  it('stores counters, gauges, histograms and summaries with their labels, several points each', async () => {
    const engine = openEngine();
    const { wsUrl, metricsUrl } = await promTarget();
    const { sessionId } = await engine.startRecording({
      target: { kind: 'ws', url: wsUrl },
      signals: ['metrics'],
      prometheusUrl: metricsUrl,
      durationSec: 2,
    });
    const session = await engine.whenRecordingEnds(sessionId);
    expect(session.status).toBe('completed');
    expect(session.signals).toContain('prometheus');
    expect(session.notes['prometheus.url']).toBe(metricsUrl);
    expect(session.notes['prometheus.scrapes']).toMatch(/^\d+ ok, 0 failed$/);
    expect(session.notes['prometheus.skipped']).toBeUndefined();

    const all = await engine.getMetrics(sessionId);
    const prom = all.filter((s) => s.source === 'prometheus');
    // The runtime poller runs beside it, on its own series.
    expect(all.some((s) => s.source === 'runtime')).toBe(true);

    const users = find(prom, 'app_requests_total', { route: '/users', code: '200' });
    expect(users.kind).toBe('counter');
    expect(users.threadId).toBe(0);
    const escaped = find(prom, 'app_requests_total', { code: '500' });
    expect(escaped.labels.route).toBe('C:\\dir "quoted"\nnext');
    expect(find(prom, 'app_in_flight').kind).toBe('gauge');

    const buckets = prom.filter((s) => s.name === 'app_latency_seconds_bucket');
    expect(buckets.map((s) => s.labels.le).sort()).toEqual(['+Inf', '0.01', '0.1', '1']);
    expect(buckets.every((s) => s.kind === 'histogram' && s.labels.method === 'GET' && s.unit === '')).toBe(true);
    expect(find(prom, 'app_latency_seconds_sum')).toMatchObject({ kind: 'histogram', unit: 's' });
    expect(find(prom, 'app_latency_seconds_count')).toMatchObject({ kind: 'histogram', unit: '' });
    expect(find(prom, 'app_payload_bytes', { quantile: '0.9' })).toMatchObject({ kind: 'summary', unit: 'bytes' });
    expect(find(prom, 'app_payload_bytes_count').kind).toBe('summary');

    // prom-client's default metrics come through with their types.
    expect(find(prom, 'process_cpu_user_seconds_total')).toMatchObject({ kind: 'counter', unit: 's' });
    expect(find(prom, 'nodejs_heap_size_used_bytes')).toMatchObject({ kind: 'gauge', unit: 'bytes' });
    expect(find(prom, 'nodejs_gc_duration_seconds_bucket').kind).toBe('histogram');

    // 250 ms scrapes over 2 s: ~8 points; at least 4 on two shared, busy cores.
    for (const series of [users, find(prom, 'app_in_flight'), buckets[0]!, find(prom, 'nodejs_heap_size_used_bytes')]) {
      expect(series.timesUs.length).toBeGreaterThanOrEqual(4);
      for (const t of series.timesUs) {
        expect(t).toBeGreaterThanOrEqual(session.startedAt - 1_000_000);
        expect(t).toBeLessThanOrEqual(session.endedAt!);
      }
    }
    // Counters only go up, and the target's work moves them between scrapes.
    expect(users.values[users.values.length - 1]!).toBeGreaterThan(users.values[0]!);
    expect([...users.values].sort((a, b) => a - b)).toEqual(users.values);
    // One scrape, one time: every series of a scrape shares its timestamps.
    expect(find(prom, 'app_in_flight').timesUs).toEqual(users.timesUs);
  });

  it('goes on when the URL refuses connections, and says why in the notes', async () => {
    const engine = openEngine();
    const { wsUrl } = await promTarget();
    const url = `http://127.0.0.1:${await closedPort()}/metrics`;
    const { sessionId } = await engine.startRecording({ target: { kind: 'ws', url: wsUrl }, signals: ['metrics'], prometheusUrl: url, durationSec: 2 });
    const session = await engine.whenRecordingEnds(sessionId);
    expect(session.status).toBe('completed');
    expect(session.notes['prometheus.scrapes']).toMatch(/^0 ok, \d+ failed \(refused \d+\)$/);
    const failed = Number(/(\d+) failed/.exec(session.notes['prometheus.scrapes']!)![1]);
    expect(failed).toBeGreaterThanOrEqual(4);
    expect(session.notes['prometheus.firstError']).toContain(`GET ${url}: connection refused`);
    const metrics = await engine.getMetrics(sessionId);
    expect(metrics.some((s) => s.source === 'prometheus')).toBe(false);
    expect(metrics.find((s) => s.name === 'heap.used')!.timesUs.length).toBeGreaterThanOrEqual(4);
  });

  it('counts broken text, HTTP errors, oversized and binary answers and a timeout, and keeps the good lines', async () => {
    const engine = openEngine();
    const { wsUrl, metricsUrl } = await promTarget();
    const url = metricsUrl.replace(/\/metrics$/, '/broken');
    // broken text, 500, 11 MiB, binary, a 2 s timeout, then broken text every 250 ms.
    const { sessionId } = await engine.startRecording({ target: { kind: 'ws', url: wsUrl }, signals: ['metrics'], prometheusUrl: url, durationSec: 4 });
    const session = await engine.whenRecordingEnds(sessionId);
    expect(session.status).toBe('completed');
    const scrapes = session.notes['prometheus.scrapes']!;
    expect(scrapes).toMatch(/^\d+ ok, 3 failed/);
    expect(scrapes).toContain('http-status 1');
    expect(scrapes).toContain('too-large 1');
    expect(scrapes).toContain('timeout 1');
    expect(Number(/^(\d+) ok/.exec(scrapes)![1])).toBeGreaterThanOrEqual(3);
    expect(session.notes['prometheus.firstError']).toContain('HTTP 500');
    expect(session.notes['prometheus.lastError']).toContain('no complete answer within 2000 ms');

    const skipped = session.notes['prometheus.skipped']!;
    for (const reason of ['bad-labels', 'bad-value', 'bad-escape', 'duplicate-type', 'binary']) expect(skipped).toContain(reason);
    expect(skipped).toContain('(first: line 5: "abc" for app_bad_value is not a number)');

    const prom = (await engine.getMetrics(sessionId)).filter((s) => s.source === 'prometheus');
    expect(prom.map((s) => `${s.name}${JSON.stringify(s.labels)}`).sort()).toEqual([
      'app_good{"kind":"also fine"}',
      'app_good{"kind":"fine"}',
    ]);
    expect(find(prom, 'app_good', { kind: 'fine' })).toMatchObject({ kind: 'gauge' });
    expect(find(prom, 'app_good', { kind: 'fine' }).timesUs.length).toBeGreaterThanOrEqual(3);
  });

  it('scrapes a target it launches, not counting refusals before the target first answers as failures', async () => {
    const engine = openEngine();
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const command = [process.execPath, PROM_TARGET, '--port', String(port)];
    const { sessionId } = await engine.startRecording({ target: { kind: 'launch', command }, signals: ['metrics'], prometheusUrl: url, durationSec: 2 });
    const session = await engine.whenRecordingEnds(sessionId);
    expect(session.status).toBe('completed');
    // prom-client loads for a moment before the port opens: those refusals are startup.
    expect(session.notes['prometheus.scrapes']).toMatch(/^\d+ ok, 0 failed(; \d+ refused before the target first answered)?$/);
    expect(session.notes['prometheus.firstError']).toBeUndefined();
    const metrics = await engine.getMetrics(sessionId);
    expect(find(metrics, 'app_requests_total', { route: '/users' }).timesUs.length).toBeGreaterThanOrEqual(3);
  });

  it('caps the series kept and the response size, and shows no password from the URL', async () => {
    const { metricsUrl } = await promTarget();
    const files = tempStorePath();
    cleanups.push(() => files.remove());
    const store = Store.open(files.path);
    cleanups.push(() => store.close());
    store.sessions.create({ id: 's', name: 's', startedUs: Date.now() * 1000, target: { pid: null, nodeVersion: null, title: null, attachedVia: 'test' }, signals: ['prometheus'], intervalUs: 1000 });
    const writer = new SessionWriter(store, 's', (error) => {
      throw error;
    });
    cleanups.push(() => writer.close());
    const run = async (url: string, options: Partial<typeof DEFAULT_SCRAPER_OPTIONS>, until: (notes: Record<string, string>) => boolean) => {
      const notes: Record<string, string> = {};
      const warnings: string[] = [];
      const scraper = new PrometheusScraper(scrapeTargetOf(url), writer, { note: (k, v) => (notes[k] = v), warn: (m) => warnings.push(m) }, { ...DEFAULT_SCRAPER_OPTIONS, ...options });
      scraper.start();
      try {
        await waitFor('the scraper notes', () => until(notes), 10_000);
      } finally {
        await scraper.stop();
      }
      expect(warnings).toEqual([]);
      return notes;
    };

    const withPassword = metricsUrl.replace('http://', 'http://reader:s3cret@');
    const capped = await run(withPassword, { maxSeries: 10 }, (n) => /^[3-9]\d* ok/.test(n['prometheus.scrapes'] ?? ''));
    expect(capped['prometheus.url']).toBe(metricsUrl.replace('http://', 'http://reader:***@'));
    expect(capped['prometheus.skipped']).toMatch(/^series-limit \d+ \(first: over 10 series; first left out: \w+\)$/);
    writer.flush();
    expect(store.metrics.series('s')).toHaveLength(10);
    expect(JSON.stringify(store.sessions.notes('s'))).not.toContain('s3cret');

    // prom-client's answer declares its length: refused before the body is read.
    const small = await run(metricsUrl, { maxBytes: 1000 }, (n) => /failed \(too-large [2-9]/.test(n['prometheus.scrapes'] ?? ''));
    expect(small['prometheus.firstError']).toMatch(/over the 1000 byte limit \(\d+ bytes declared\)/);
  });

  it('refuses a URL that is not http(s) before recording', async () => {
    const engine = openEngine();
    const { wsUrl } = await promTarget();
    await expect(
      engine.startRecording({ target: { kind: 'ws', url: wsUrl }, signals: ['metrics'], prometheusUrl: 'file:///etc/passwd', durationSec: 1 }),
    ).rejects.toThrow(/must start with http:\/\/ or https:\/\//);
  });
});
