// Bundles of real recordings: export, import into a fresh store, and the session reads the same.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine';
import { snapshotFolder } from '../../src/main/engine/capture/heap';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';
import { recordOtel, recordScenario } from '../support/recorded-sessions';
import { tempStorePath } from '../support/store-files';
import { openBundle } from '../support/bundle-surgery';

const cleanups = cleanupsAfterEach();

function bundlePath(): string {
  const dir = tempStorePath();
  cleanups.push(() => dir.remove());
  return join(dir.dir, 'session.parallax');
}

/** Everything a person can read about a session, minus its id. */
async function readable(engine: Engine, sessionId: string): Promise<unknown> {
  const { id: _id, ...summary } = await engine.getSummary(sessionId);
  const snapshots = await engine.listHeapSnapshots(sessionId);
  return {
    summary,
    flame: await engine.getFlameTree(sessionId),
    allocations: await engine.getAllocationTree(sessionId),
    threads: await engine.listThreads(sessionId),
    metrics: await engine.getMetrics(sessionId),
    logs: await engine.getLogs(sessionId, { offset: 0, limit: 10_000 }),
    spans: await engine.getSpans(sessionId, {}),
    traceEvents: await engine.getTraceEvents(sessionId, {}),
    snapshots: snapshots.map(({ id: _snapshotId, ...rest }) => rest),
    snapshotClasses: await Promise.all(snapshots.map((s) => engine.getSnapshotClasses(s.id))),
  };
}

describe('session bundles', () => {
  it('carry a recorded session with every local signal and its heap snapshot into a fresh store unchanged', async () => {
    const source = openTestEngine(cleanups);
    const sessionId = await recordScenario(source.engine);
    const file = bundlePath();
    const [written] = await source.engine.exportSession(sessionId, 'bundle', file);
    const bytes = written?.bytes;
    expect(statSync(file).size).toBe(bytes);

    const target = openTestEngine(cleanups);
    const { sessionId: imported } = await target.engine.importFile(file);
    expect(imported).not.toBe(sessionId);
    const before = await readable(source.engine, sessionId);
    const after = await readable(target.engine, imported);
    expect(after).toEqual(before);
    const counts = (before as { summary: { counts: Record<string, number> } }).summary.counts;
    for (const signal of ['cpuSamples', 'logs', 'metricPoints', 'traceEvents'] as const) expect(counts[signal]).toBeGreaterThan(0);

    // The snapshot file travels byte for byte, into the new session's folder.
    const [original] = readdirSync(snapshotFolder(source.path, sessionId));
    const copied = join(snapshotFolder(target.path, imported), original!);
    expect(existsSync(copied)).toBe(true);
    expect(readFileSync(copied).equals(readFileSync(join(snapshotFolder(source.path, sessionId), original!)))).toBe(true);

    // Importing twice gives two sessions.
    const again = await target.engine.importFile(file);
    expect(again.sessionId).not.toBe(imported);
    expect((await target.engine.listSessions()).map((s) => s.id).sort()).toEqual([imported, again.sessionId].sort());
  });

  it('carry spans, OTLP logs and metrics of an OpenTelemetry program', async () => {
    const source = openTestEngine(cleanups);
    const sessionId = await recordOtel(source.engine);
    const file = bundlePath();
    await source.engine.exportSession(sessionId, 'bundle', file);
    const target = openTestEngine(cleanups);
    const { sessionId: imported } = await target.engine.importFile(file);
    const before = await readable(source.engine, sessionId);
    expect((before as { spans: unknown[] }).spans).toHaveLength(2);
    expect(await readable(target.engine, imported)).toEqual(before);
  });

  it('redact secrets from the command line and the logs by default, list what they redacted, and keep them with redaction off; so do the standard formats', async () => {
    const source = openTestEngine(cleanups);
    const secret = 's3cr3tvalue42';
    const sessionId = await recordScenario(source.engine, 1.5, { heapSnapshot: false, args: [`--api-key=${secret}`, `DB_PASSWORD=${secret}`] });
    const sourceLogs = await source.engine.getLogs(sessionId, { offset: 0, limit: 10_000 });
    expect(sourceLogs.records.some((l) => l.text.includes(secret))).toBe(true);

    const redacted = bundlePath();
    await source.engine.exportSession(sessionId, 'bundle', redacted);
    const { manifest, payload } = openBundle(readFileSync(redacted));
    expect(payload.includes(Buffer.from(secret))).toBe(false);
    expect(manifest.redaction.applied).toBe(true);
    const places = manifest.redaction.counts.map((c) => `${c.kind} ${c.where}`);
    expect(places).toContain('secret-key sessions.target_title');
    expect(places).toContain('environment-variable sessions.target_title');
    expect(places).toContain('secret-key logs.text');
    expect(JSON.stringify(manifest)).not.toContain(secret);

    const target = openTestEngine(cleanups);
    const { sessionId: imported } = await target.engine.importFile(redacted);
    const summary = await target.engine.getSummary(imported);
    expect(summary.target.title).toContain('--api-key=[redacted]');
    expect(summary.target.title).toContain('DB_PASSWORD=[redacted]');
    const logs = await target.engine.getLogs(imported, { offset: 0, limit: 10_000 });
    expect(logs.records.length).toBe(sourceLogs.records.length);
    expect(logs.records.some((l) => l.text.includes(secret))).toBe(false);
    expect(logs.records.some((l) => l.text.includes('[redacted]'))).toBe(true);

    const kept = bundlePath();
    await source.engine.exportSession(sessionId, 'bundle', kept, { redact: false });
    expect(openBundle(readFileSync(kept)).manifest.redaction).toEqual({ applied: false, counts: [] });
    const { sessionId: verbatim } = await target.engine.importFile(kept);
    expect((await target.engine.getLogs(verbatim, { offset: 0, limit: 10_000 })).records.some((l) => l.text.includes(secret))).toBe(true);

    // The standard formats that carry logs and the command line redact the same way.
    const folder = bundlePath().replace(/session\.parallax$/, '');
    const contents = (files: { path: string }[]): string => files.map((f) => readFileSync(f.path, 'utf8')).join('\n');
    for (const format of ['chrome-trace', 'otlp-json']) {
      const out = join(folder, `${format}-redacted`);
      const files = await source.engine.exportSession(sessionId, format, format === 'chrome-trace' ? `${out}.json` : out);
      const text = contents(files);
      expect(text, format).not.toContain(secret);
      expect(text, format).toContain('[redacted]');
      expect(files[0]!.detail, format).toMatch(/\d+ secrets? redacted/);
      const verbatimFiles = await source.engine.exportSession(sessionId, format, join(folder, `${format}-kept${format === 'chrome-trace' ? '.json' : ''}`), { redact: false });
      expect(contents(verbatimFiles), format).toContain(secret);
    }
  });
});
