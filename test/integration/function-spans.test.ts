// Function to spans on a real recording: a program whose OpenTelemetry spans each run a known
// hot function; asking for that function ranks the span that ran it first, and the span's own
// flame tree holds the function while the other span's does not.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlameTree, FunctionKey } from '../../src/shared/domain';
import { cleanupsAfterEach, openTestEngine } from '../support/cleanups';

const FIXTURE = resolve(__dirname, '../fixtures/otel-busy-target.cjs');
const cleanups = cleanupsAfterEach();

function keyOf(tree: FlameTree, name: string): FunctionKey {
  const fn = tree.functions.find((f) => f.name === name);
  if (!fn) throw new Error(`${name} is not in the flame tree: ${tree.functions.map((f) => f.name).join(', ')}`);
  const at = fn.generated ?? fn;
  return { name: fn.name, url: at.url, line: at.line, column: at.column };
}

describe('function to spans', () => {
  it('ranks the spans in which a function spent the most samples', async () => {
    let out = '';
    const { engine } = openTestEngine(cleanups, { onTargetOutput: (stream, chunk) => void (stream === 'stdout' && (out += chunk.toString())) });
    const { sessionId } = await engine.startRecording({ target: { kind: 'launch', command: [process.execPath, FIXTURE] }, signals: ['cpu', 'otlp'] });
    cleanups.push(async () => void (await engine.stopRecording(sessionId)));
    const session = await engine.whenRecordingEnds(sessionId);
    expect(session.status).toBe('target-exited');
    const ids = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { checkout: string; hash: string; report: string; sweep: string };

    const whole = await engine.getFlameTree(sessionId);
    const hashPrices = keyOf(whole, 'hashPrices');
    const ranked = await engine.getFunctionSpans(sessionId, hashPrices);
    // hashPrices ran inside "hash prices", itself inside "POST /checkout": both have it, nothing else does.
    expect(ranked.map((r) => r.span.name).sort()).toEqual(['POST /checkout', 'hash prices']);
    const hash = ranked.find((r) => r.span.spanId === ids.hash)!;
    // V8 charges part of an on-stack-replaced loop to its caller, so not every sample names it.
    expect(hash.samples).toBeGreaterThan(50);
    expect(hash.share).toBeGreaterThan(0.3);
    expect(hash.selfSamples).toBeGreaterThan(0);
    expect(hash.samples).toBeLessThanOrEqual(hash.span.cpuSampleCount);

    const report = await engine.getFunctionSpans(sessionId, keyOf(whole, 'renderReport'));
    // "cache sweep" overlaps "GET /report" on the same (main) thread: both see renderReport's samples.
    expect(report.map((r) => r.span.spanId).sort()).toEqual([ids.report, ids.sweep].sort());
    expect(Math.abs(report[0]!.samples - report[1]!.samples)).toBeLessThanOrEqual(2);

    // The span's flame tree is the function's: a span narrows the samples to its range.
    const inHash = await engine.getFlameTree(sessionId, undefined, { spanId: ids.hash });
    expect(inHash.functions.map((f) => f.name)).toContain('hashPrices');
    expect(inHash.functions.map((f) => f.name)).not.toContain('renderReport');

    // A range before the spans, and a function that does not exist, give nothing.
    expect(await engine.getFunctionSpans(sessionId, hashPrices, { fromUs: session.startedAt - 2e6, toUs: session.startedAt - 1e6 })).toEqual([]);
    expect(await engine.getFunctionSpans(sessionId, { ...hashPrices, line: hashPrices.line + 1000 })).toEqual([]);
  }, 60_000);
});
