// Real recordings to bundle in tests: a launched scenario target with CPU, logs, stdout, metrics,
// trace events and a heap snapshot; and the OpenTelemetry SDK fixture with spans and OTLP logs.
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../src/main/engine/engine';
import { waitFor } from './targets';

const SCENARIO = fileURLToPath(new URL('../fixtures/scenario-target.cjs', import.meta.url));
const OTEL = fileURLToPath(new URL('../fixtures/otel-target.cjs', import.meta.url));

/** About two seconds of the scenario target, with every local signal and one heap snapshot. */
export async function recordScenario(engine: Engine, durationSec = 2, options: { heapSnapshot?: boolean; args?: string[] } = {}): Promise<string> {
  const { sessionId } = await engine.startRecording({
    target: { kind: 'launch', command: [process.execPath, SCENARIO, '--mark-every', '100', ...(options.args ?? [])] },
    signals: ['cpu', 'logs', 'metrics', 'trace', 'heap', 'stdout'],
    intervalUs: 1000,
    durationSec,
  });
  await waitFor('the first CPU samples', async () => (await engine.getSummary(sessionId)).counts.cpuSamples > 0, 15_000);
  if (options.heapSnapshot !== false) await engine.takeHeapSnapshot(sessionId);
  const session = await engine.whenRecordingEnds(sessionId);
  if (session.status !== 'completed') throw new Error(`The scenario recording ended ${session.status}: ${session.statusDetail ?? ''}`);
  return sessionId;
}

/** The OpenTelemetry fixture, launched: OTLP spans, logs and metrics plus CPU samples. */
export async function recordOtel(engine: Engine): Promise<string> {
  const { sessionId } = await engine.startRecording({
    target: { kind: 'launch', command: [process.execPath, OTEL, 'json'] },
    signals: ['cpu', 'otlp', 'metrics', 'logs'],
  });
  await engine.whenRecordingEnds(sessionId);
  return sessionId;
}
