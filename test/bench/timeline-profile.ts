// `npx tsx test/bench/timeline-profile.ts STORE SESSION_ID`: a CPU profile of the window while the
// timeline is zoomed and panned with w/s/a/d (the whole session, then zoomed in ten steps), summarised
// as the functions with the most self time.
import { writeFileSync } from 'node:fs';
import { artifactPath, launchChromium, startServe } from '../support/e2e-browser';
import { holdKeys, startFrameProbe, stopFrameProbe, twoFrames } from './frame-probe';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; parent?: number; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

async function main(): Promise<void> {
  const [storePath, sessionId] = process.argv.slice(2);
  if (!storePath || !sessionId) throw new Error('usage: timeline-profile.ts STORE SESSION_ID');
  const served = await startServe(storePath);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(served.url);
    await page.waitForSelector('body[data-idle="true"]', { state: 'attached', timeout: 120_000 });
    await page.locator(`[data-testid="session-row"][data-session-id="${sessionId}"]`).click();
    await page.waitForSelector('[data-testid="timeline"]', { timeout: 120_000 });
    await page.waitForSelector('body[data-idle="true"]', { state: 'attached', timeout: 120_000 });
    // As the scale bench does before it: a selection of most of the session, brushed on a metric chart.
    const chart = await page.locator('[data-testid="metric-chart"] .u-over').first().boundingBox();
    if (chart) {
      await page.mouse.move(chart.x + chart.width * 0.05, chart.y + chart.height / 2);
      await page.mouse.down();
      await page.mouse.move(chart.x + chart.width * 0.95, chart.y + chart.height / 2, { steps: 8 });
      await page.mouse.up();
      await page.waitForSelector('body[data-idle="false"]', { state: 'attached', timeout: 3000 }).catch(() => undefined);
      await page.waitForSelector('body[data-idle="true"]', { state: 'attached', timeout: 120_000 });
    }
    const timeline = page.locator('[data-testid="timeline"]').first();
    await timeline.focus();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    for (const [name, keys] of [['zoom', ['w', 's']], ['pan', ['a', 'd']], ['pan-zoomed', ['a', 'd']]] as const) {
      if (name === 'pan-zoomed') {
        // As the scale bench does: the whole session cannot pan, so pan it zoomed in ten steps.
        await page.keyboard.press('0');
        for (let i = 0; i < 10; i++) await page.keyboard.press('w');
        await page.waitForSelector('body[data-idle="true"]', { state: 'attached', timeout: 120_000 });
      }
      await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink', 'cc', 'gpu', 'toplevel'] });
      await cdp.send('Profiler.start');
      await startFrameProbe(page);
      await holdKeys(page, keys, 3000);
      await twoFrames(page);
      const stats = await stopFrameProbe(page);
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
      writeFileSync(artifactPath(`timeline-${name}.cpuprofile`), JSON.stringify(profile));
      const trace = await browser.stopTracing();
      writeFileSync(artifactPath(`timeline-${name}.trace.json`), trace);
      process.stdout.write(`${traceSummary(trace.toString('utf8'))}\n`);
      process.stdout.write(`${name}: ${JSON.stringify(stats)}\n${summarise(profile)}\n`);
    }
  } finally {
    await browser.close();
    await served.stop();
  }
}

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; tid: number; pid: number; args?: { name?: string } }

/** Per long task (> 40 ms) on the renderer's main thread: the time of its direct and nested events by name. */
function traceSummary(text: string): string {
  const events = (JSON.parse(text) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return 'no renderer main thread';
  const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts);
  const tasks = mine.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  const long = tasks.filter((t) => t.dur! > 40_000);
  const by = new Map<string, number>();
  for (const e of mine) if (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') by.set(e.name, (by.get(e.name) ?? 0) + e.dur!);
  const lines = [`tasks ${tasks.length}, long ${long.length}; event totals:`, ...[...by].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([n, us]) => `  ${(us / 1000).toFixed(0).padStart(6)} ms ${n}`)];
  for (const t of long.slice(0, 8)) {
    const inner = mine.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur! <= t.ts + t.dur!);
    const names = new Map<string, number>();
    for (const e of inner) names.set(e.name, (names.get(e.name) ?? 0) + e.dur!);
    lines.push(`long task ${(t.dur! / 1000).toFixed(0)} ms: ${[...names].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, us]) => `${n} ${(us / 1000).toFixed(0)}`).join(', ')}`);
  }
  return lines.join('\n');
}

function summarise(profile: CpuProfile): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const parents = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
  const selfBy = new Map<string, number>();
  const totalBy = new Map<string, number>();
  const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    selfBy.set(label(node), (selfBy.get(label(node)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const l = label(byId.get(at)!);
      if (seen.has(l)) continue;
      seen.add(l);
      totalBy.set(l, (totalBy.get(l) ?? 0) + us);
    }
  }
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([l, us]) => `  ${(us / 1000).toFixed(0).padStart(6)} ms  ${l}`).join('\n');
  return `self:\n${top(selfBy)}\ntotal:\n${top(totalBy)}`;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
