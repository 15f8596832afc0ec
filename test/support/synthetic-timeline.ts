// A generated session for timeline tests: millions of CPU samples on call stacks that wander like a
// real program's, plus trace events, spans and logs, written through the store's own writers.
import { StackInterner } from '../../src/main/engine/store/cpu-samples';
import type { Store } from '../../src/main/engine/store/store';
import type { LogLevel } from '../../src/shared/domain';

export interface SyntheticCounts {
  samples: number;
  threads?: number;
  traceEvents?: number;
  spans?: number;
  logs?: number;
  intervalUs?: number;
  startUs?: number;
}

/** Deterministic: the same counts give the same session. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const APP_FUNCTIONS = 40;
const MAX_DEPTH = 24;
const CHUNK = 50_000;
const LEVELS: LogLevel[] = ['debug', 'info', 'info', 'info', 'warn', 'error'];

/** Writes the session and returns its time span. */
export function writeSyntheticSession(store: Store, sessionId: string, counts: SyntheticCounts): { startUs: number; endUs: number } {
  const intervalUs = counts.intervalUs ?? 1000;
  const startUs = counts.startUs ?? 1_700_000_000_000_000;
  const threads = counts.threads ?? 1;
  const rand = random(42);
  store.sessions.create({
    id: sessionId,
    name: sessionId,
    startedUs: startUs,
    target: { pid: 1, nodeVersion: '20.0.0', title: 'synthetic', attachedVia: 'generated' },
    signals: ['cpu', 'logs', 'trace', 'otlp'],
    intervalUs,
  });
  const interner = new StackInterner();
  const fns = Array.from({ length: APP_FUNCTIONS }, (_, i) =>
    interner.functionId({ functionName: `fn${i}`, url: i % 3 === 0 ? 'file:///app/node_modules/lib/index.js' : `file:///app/src/m${i % 7}.js`, lineNumber: i, columnNumber: 0 }),
  );
  const idle = interner.functionId({ functionName: '(idle)', url: '', lineNumber: -1, columnNumber: -1 });
  const main = interner.functionId({ functionName: 'main', url: 'file:///app/src/main.js', lineNumber: 0, columnNumber: 0 });
  const perThread = Math.ceil(counts.samples / threads);
  const endUs = startUs + perThread * intervalUs;
  for (let thread = 0; thread < threads; thread++) {
    store.threads.upsert(sessionId, { id: thread, name: thread === 0 ? 'main' : `worker ${thread}` }, startUs);
    let path: number[] = [];
    for (let done = 0; done < perThread; done += CHUNK) {
      const n = Math.min(CHUNK, perThread - done);
      const timesUs = new Float64Array(n);
      const stackIds = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const r = rand();
        if (r < 0.05) path = [];
        else if (r < 0.35 && path.length > 1) path.length -= 1 + Math.floor(rand() * Math.min(3, path.length - 1));
        else if (r < 0.7 && path.length < MAX_DEPTH) path.push(path.length === 0 ? main : fns[Math.floor(rand() * fns.length)]!);
        let stack = 0;
        if (path.length === 0) stack = interner.stackId(0, idle);
        else for (const fn of path) stack = interner.stackId(stack, fn);
        timesUs[i] = startUs + (done + i) * intervalUs + rand() * 50;
        stackIds[i] = stack;
      }
      store.transaction(() => store.cpu.write(sessionId, interner, { threadId: thread, timesUs, stackIds }));
    }
  }
  const span = endUs - startUs;
  store.transaction(() => {
    for (let i = 0; i < (counts.traceEvents ?? 0); i++) {
      const gc = i % 4 !== 0;
      store.traceEvents.insert(sessionId, {
        threadId: i % threads,
        timeUs: startUs + rand() * span,
        durationUs: gc ? 200 + rand() * 3000 : null,
        ph: gc ? 'X' : 'R',
        cat: gc ? 'v8' : 'blink.user_timing',
        name: gc ? 'MinorGC' : `mark${i % 9}`,
        kind: gc ? 'gc' : 'mark',
        args: null,
      });
    }
    const spanCount = counts.spans ?? 0;
    for (let i = 0; i < spanCount; i += 3) {
      const traceId = i.toString(16).padStart(32, '0');
      const root = (i + 1).toString(16).padStart(16, '0');
      const from = startUs + (i / spanCount) * span;
      const length = 2000 + rand() * 40_000;
      const base = { traceId, kind: 2 as const, statusCode: 0 as const, statusMessage: null, thread: 0, source: 'otlp', attributes: {}, resource: {} };
      store.spans.insert(sessionId, { ...base, spanId: root, parentSpanId: null, name: `GET /route/${i % 5}`, startUs: from, endUs: from + length });
      store.spans.insert(sessionId, { ...base, spanId: (i + 2).toString(16).padStart(16, '0'), parentSpanId: root, name: 'db.query', startUs: from + length * 0.1, endUs: from + length * 0.6 });
      store.spans.insert(sessionId, { ...base, spanId: (i + 3).toString(16).padStart(16, '0'), parentSpanId: root, name: 'render', startUs: from + length * 0.65, endUs: from + length * 0.95, statusCode: i % 30 === 0 ? 2 : 0 });
    }
    for (let i = 0; i < (counts.logs ?? 0); i++) {
      store.logs.insert(sessionId, { timeUs: startUs + rand() * span, level: LEVELS[i % LEVELS.length]!, source: 'stdout', text: `request ${i} handled`, url: null, line: null, threadId: 0 });
    }
  });
  store.sessions.finish(sessionId, 'completed', endUs, null);
  return { startUs, endUs };
}
