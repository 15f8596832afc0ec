// Runtime metrics polled from the target every 250 ms: heap, RSS, CPU %, event-loop
// utilisation and delay, read from a small probe installed in the target.
import type { InspectorSession } from '../inspector/connection';
import type { SessionWriter } from '../store/session-writer';

export const METRICS_INTERVAL_MS = 250;

// The event-loop delay probe is a 50 ms timer that records how late each tick fires (a 10 ms one
// cost an idle target 2% of a core in wake-ups; 50 ms costs about 0.5%, reads included). Unlike a
// monitorEventLoopDelay histogram reset on a timer, it cannot lose a block that spans a reset
// (research/inspector.md §7.4, DESIGN.md): a block delays the next tick, which records it.
// While the loop is blocked right now, read() also reports how late the pending tick already is.
// The probe is idempotent, holds no references into the app, and uninstall() removes it.
const INSTALL = `(() => {
  if (globalThis.__parallaxMetrics) return 'present';
  const RESOLUTION_MS = 50;
  let delays = [];
  let expected = performance.now() + RESOLUTION_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    delays.push(Math.max(0, now - expected));
    expected = now + RESOLUTION_MS;
  }, RESOLUTION_MS);
  timer.unref();
  let lastCpu = process.cpuUsage();
  let lastWall = performance.now();
  let lastElu = performance.eventLoopUtilization();
  const pct = (sorted, p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : 0;
  globalThis.__parallaxMetrics = {
    read() {
      const now = performance.now();
      const cpu = process.cpuUsage(lastCpu);
      const elu = performance.eventLoopUtilization(lastElu);
      const wallUs = (now - lastWall) * 1000;
      lastCpu = process.cpuUsage();
      lastWall = now;
      lastElu = performance.eventLoopUtilization();
      const window = delays;
      delays = [];
      const pending = Math.max(0, now - expected);
      if (window.length === 0 || pending > RESOLUTION_MS) window.push(pending);
      window.sort((a, b) => a - b);
      const mem = process.memoryUsage();
      return {
        t: performance.timeOrigin + now,
        heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, rss: mem.rss,
        cpu: wallUs > 0 ? ((cpu.user + cpu.system) / wallUs) * 100 : 0,
        elu: elu.utilization * 100,
        p50: pct(window, 0.5), p99: pct(window, 0.99), max: window[window.length - 1],
      };
    },
    uninstall() { clearInterval(timer); delete globalThis.__parallaxMetrics; },
  };
  return 'installed';
})()`;

interface Reading {
  t: number;
  heapUsed: number;
  heapTotal: number;
  rss: number;
  cpu: number;
  elu: number;
  p50: number;
  p99: number;
  max: number;
}

const SERIES: { key: keyof Reading; name: string; unit: string }[] = [
  { key: 'heapUsed', name: 'heap.used', unit: 'bytes' },
  { key: 'heapTotal', name: 'heap.total', unit: 'bytes' },
  { key: 'rss', name: 'rss', unit: 'bytes' },
  { key: 'cpu', name: 'cpu', unit: '%' },
  { key: 'elu', name: 'eventloop.utilization', unit: '%' },
  { key: 'p50', name: 'eventloop.delay.p50', unit: 'ms' },
  { key: 'p99', name: 'eventloop.delay.p99', unit: 'ms' },
  { key: 'max', name: 'eventloop.delay.max', unit: 'ms' },
];

export class MetricsCapture {
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(
    private readonly connection: InspectorSession,
    private readonly writer: SessionWriter,
    private readonly onError: (error: unknown) => void,
  ) {}

  async start(): Promise<void> {
    await this.connection.evaluate(INSTALL);
    await this.connection.evaluate('globalThis.__parallaxMetrics.read(), 0');
    this.timer = setInterval(() => void this.poll(), METRICS_INTERVAL_MS);
  }

  /** Takes a last reading and removes the probe from the target. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.connection.isClosed) return;
    await this.poll();
    await this.connection.evaluate('globalThis.__parallaxMetrics?.uninstall(), 0').catch(() => undefined);
  }

  private async poll(): Promise<void> {
    // A slow reply must not stack polls up behind it.
    if (this.polling || this.connection.isClosed) return;
    this.polling = true;
    try {
      const reading = await this.connection.evaluate<Reading | undefined>('globalThis.__parallaxMetrics?.read()');
      if (!reading) return;
      const timeUs = reading.t * 1000;
      for (const { key, name, unit } of SERIES) {
        const value = reading[key];
        if (Number.isFinite(value)) this.writer.addMetric({ name, unit, timeUs, value });
      }
    } catch (error) {
      if (!this.connection.isClosed) this.onError(error);
    } finally {
      this.polling = false;
    }
  }
}
