// The `parallax` command line: record headless, list and summarise sessions, serve the window.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RecordRequest, SignalName, TargetSpec } from '../shared/domain';
import { ALL_SIGNALS } from '../shared/domain';
import { ParallaxError, messageOf } from '../shared/errors';
import { Engine } from './engine/engine';
import { EXPORT_FORMATS, exportFormatNames } from './engine/export-file';
import { pushOtlp, pushPyroscope } from './engine/interop/push';
import { startWebHost } from './host';
import { formatProcesses, formatSessions, formatSpans, formatSummary } from './cli-format';

const USAGE = `Usage: parallax <command> [options]

Commands:
  record (--pid PID | --inspect HOST:PORT | --ws URL | -- CMD ARGS...)
         [--duration SECONDS] [--signals LIST] [--interval-us N] [--name NAME] [--store FILE]
         [--trace-categories LIST] [--heap-interval-bytes N] [--prometheus-url URL] [--otlp-port N]
                        Record a Node process; prints the new session id as the last line.
                        Signals: cpu, logs, metrics, heap, trace, workers, otlp, stdout, prometheus, agent.
  sessions [--store FILE] [--json]      List recorded sessions.
  summary SESSION [--store FILE] [--from US --to US] [--span SPAN_ID] [--thread ID] [--json]
                        Counts and top functions of a session (SESSION may be an id prefix).
  spans SESSION [--store FILE] [--limit N] [--json]   Spans of a session with their log and sample counts.
  serve [--port N] [--store FILE] [--open]
                        Serve the window to a browser on 127.0.0.1; prints its URL.
  ps [--json]                           List local Node processes.
  export SESSION --format FORMAT --out PATH [--no-redact] [--store FILE]
                        Write a session to a file or folder; prints each file written. Formats:
${Object.entries(EXPORT_FORMATS).map(([name, f]) => `                          ${name.padEnd(13)}${f.description}`).join('\n')}
                        Secrets (environment variables, auth headers, tokens) in command lines, logs and
                        attributes are redacted unless --no-redact.
  import FILE [--store FILE]
                        Open a file as a new session; prints its id as the last line. Opens .parallax
                        bundles, .cpuprofile, .heapprofile, .heapsnapshot, Chrome trace JSON, pprof, OTLP JSON.
  push SESSION (--otlp URL | --pyroscope URL) [--store FILE]
                        Send spans, logs and metrics to an OpenTelemetry collector (OTLP/HTTP protobuf to
                        URL/v1/...), or CPU and heap profiles to Pyroscope (pprof to URL/ingest).

The store is PARALLAX_STORE or the per-user store unless --store is given.`;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'record':
        return await record(rest);
      case 'sessions':
        return await sessions(rest);
      case 'summary':
        return await summary(rest);
      case 'spans':
        return await spans(rest);
      case 'serve':
        return await serve(rest);
      case 'ps':
        return await ps(rest);
      case 'export':
        return await exportCommand(rest);
      case 'import':
        return await importCommand(rest);
      case 'push':
        return await push(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`parallax: ${error.message}\nRun "parallax help" for usage.\n`);
      return 2;
    }
    process.stderr.write(`parallax: ${error instanceof ParallaxError ? error.message : messageOf(error)}\n`);
    return 1;
  }
}

async function record(args: string[]): Promise<number> {
  const dashDash = args.indexOf('--');
  const launchCommand = dashDash >= 0 ? args.slice(dashDash + 1) : [];
  const { values } = parseArgs({
    args: dashDash >= 0 ? args.slice(0, dashDash) : args,
    options: {
      pid: { type: 'string' },
      inspect: { type: 'string' },
      ws: { type: 'string' },
      duration: { type: 'string' },
      signals: { type: 'string' },
      'interval-us': { type: 'string' },
      name: { type: 'string' },
      store: { type: 'string' },
      'trace-categories': { type: 'string' },
      'heap-interval-bytes': { type: 'string' },
      'prometheus-url': { type: 'string' },
      'otlp-port': { type: 'string' },
    },
  });
  const targets: TargetSpec[] = [];
  if (values.pid !== undefined) targets.push({ kind: 'pid', pid: positiveInt(values.pid, '--pid') });
  if (values.inspect !== undefined) targets.push(parseHostPort(values.inspect));
  if (values.ws !== undefined) targets.push({ kind: 'ws', url: values.ws });
  if (launchCommand.length > 0) targets.push({ kind: 'launch', command: launchCommand, cwd: process.cwd() });
  if (targets.length !== 1) throw new UsageError('record needs exactly one target: --pid, --inspect, --ws or -- CMD');

  const request: RecordRequest = { target: targets[0]! };
  if (values.duration !== undefined) request.durationSec = positiveNumber(values.duration, '--duration');
  if (values.signals !== undefined) request.signals = parseSignals(values.signals);
  if (values['interval-us'] !== undefined) {
    const interval = positiveInt(values['interval-us'], '--interval-us');
    if (interval < 10 || interval > 1_000_000) throw new UsageError('--interval-us must be between 10 and 1000000');
    request.intervalUs = interval;
  }
  if (values.name !== undefined) request.name = values.name;
  if (values['trace-categories'] !== undefined) {
    request.traceCategories = values['trace-categories'].split(',').map((c) => c.trim()).filter(Boolean);
  }
  if (values['heap-interval-bytes'] !== undefined) {
    request.heapSamplingIntervalBytes = positiveInt(values['heap-interval-bytes'], '--heap-interval-bytes');
  }
  if (values['prometheus-url'] !== undefined) {
    if (!/^https?:\/\/\S+$/.test(values['prometheus-url'])) throw new UsageError('--prometheus-url wants an http:// or https:// URL');
    request.prometheusUrl = values['prometheus-url'];
  }
  if (values['otlp-port'] !== undefined) request.otlpPort = positiveInt(values['otlp-port'], '--otlp-port');

  const engine = Engine.open({
    storePath: values.store,
    onTargetOutput: (_stream, chunk) => process.stderr.write(chunk),
  });
  try {
    const { sessionId } = await engine.startRecording(request);
    const live = process.stderr.isTTY;
    const unsubscribe = engine.events.on('recording', (p) => {
      if (p.sessionId !== sessionId || !live) return;
      const line = `recording ${(p.elapsedMs / 1000).toFixed(1)} s: ${p.counts.cpuSamples} samples, ${p.counts.logs} logs, ${p.counts.metricPoints} metric points`;
      process.stderr.write(`\r${line}\u001b[K`);
    });
    process.stderr.write(`Recording session ${sessionId}${request.durationSec ? ` for ${request.durationSec} s` : ''}; Ctrl-C stops and saves.\n`);
    const endpoint = (await engine.listSessions()).find((s) => s.id === sessionId)?.notes['otlp.endpoint'];
    if (endpoint && request.target.kind !== 'launch') {
      process.stderr.write(`OpenTelemetry: point the target's exporter at ${endpoint} (OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}).\n`);
    }
    let interrupts = 0;
    const onSignal = (): void => {
      if (++interrupts > 1) {
        process.stderr.write('\nparallax: stopping without waiting; data written so far is kept\n');
        process.exit(130);
      }
      void engine.stopRecording(sessionId);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const session = await engine.whenRecordingEnds(sessionId);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    unsubscribe();
    if (live) process.stderr.write('\n');
    const summary = await engine.getSummary(sessionId);
    process.stderr.write(
      `Session ${session.status}${session.statusDetail ? ` (${session.statusDetail})` : ''}: ` +
        `${summary.counts.cpuSamples} CPU samples, ${summary.counts.logs} logs, ${summary.counts.metricPoints} metric points.\n`,
    );
    process.stdout.write(`${sessionId}\n`);
    return session.status === 'failed' ? 1 : 0;
  } finally {
    await engine.close();
  }
}

async function sessions(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { store: { type: 'string' }, json: { type: 'boolean' } } });
  const engine = Engine.open({ storePath: values.store });
  try {
    const list = await engine.listSessions();
    process.stdout.write(values.json ? `${JSON.stringify(list, null, 2)}\n` : formatSessions(list));
    return 0;
  } finally {
    await engine.close();
  }
}

async function summary(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      store: { type: 'string' },
      json: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      span: { type: 'string' },
      thread: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('summary needs one SESSION id');
  if ((values.from === undefined) !== (values.to === undefined)) throw new UsageError('--from and --to go together');
  const range =
    values.from !== undefined && values.to !== undefined
      ? { fromUs: finiteNumber(values.from, '--from'), toUs: finiteNumber(values.to, '--to') }
      : undefined;
  const engine = Engine.open({ storePath: values.store });
  try {
    const scope = {
      spanId: values.span !== undefined ? hexId(values.span, 16, '--span') : undefined,
      threadId: values.thread !== undefined ? wholeNumber(values.thread, '--thread') : undefined,
    };
    const result = await engine.getSummary(positionals[0]!, range, scope);
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatSummary(result));
    return 0;
  } finally {
    await engine.close();
  }
}

async function spans(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { store: { type: 'string' }, json: { type: 'boolean' }, limit: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('spans needs one SESSION id');
  const limit = values.limit !== undefined ? positiveInt(values.limit, '--limit') : undefined;
  const engine = Engine.open({ storePath: values.store });
  try {
    const list = await engine.getSpans(positionals[0]!, { limit });
    const rows = list.map((s) => ({
      spanId: s.spanId,
      traceId: s.traceId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      startUs: s.startUs,
      endUs: s.endUs,
      thread: s.thread,
      logCount: s.logCount,
      cpuSampleCount: s.cpuSampleCount,
    }));
    process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : formatSpans(rows));
    return 0;
  } finally {
    await engine.close();
  }
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, store: { type: 'string' }, open: { type: 'boolean' } },
  });
  const port = values.port === undefined ? 0 : positiveInt(values.port, '--port');
  const rendererDir = resolve(projectRoot(), 'out/renderer');
  if (!existsSync(resolve(rendererDir, 'index.html'))) {
    throw new ParallaxError('not-found', 'The window is not built yet: run "npm run build" first');
  }
  const engine = Engine.open({ storePath: values.store });
  const host = await startWebHost(engine, { port, rendererDir, files: engine }).catch(async (error: unknown) => {
    await engine.close();
    throw error;
  });
  process.stderr.write('Parallax is serving on loopback; open this URL (it carries the access token). Ctrl-C stops.\n');
  process.stdout.write(`${host.url}\n`);
  if (values.open) openInBrowser(host.url);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await host.close();
  await engine.close();
  return 0;
}

async function ps(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  const engine = Engine.open({ storePath: ':memory:' });
  try {
    const list = await engine.listProcesses();
    process.stdout.write(values.json ? `${JSON.stringify(list, null, 2)}\n` : formatProcesses(list));
    return 0;
  } finally {
    await engine.close();
  }
}

async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { format: { type: 'string' }, out: { type: 'string' }, 'no-redact': { type: 'boolean' }, store: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('export needs one SESSION id');
  const format = values.format;
  if (format === undefined || !Object.hasOwn(EXPORT_FORMATS, format)) {
    throw new UsageError(`export wants --format ${exportFormatNames().join('|')}${format === undefined ? '' : `, got "${format}"`}`);
  }
  if (!values.out) throw new UsageError(`export wants --out ${EXPORT_FORMATS[format]!.out === 'file' ? 'FILE' : 'DIR'}`);
  const engine = Engine.open({ storePath: values.store });
  try {
    for (const file of await engine.exportSession(positionals[0]!, format, resolve(values.out), { redact: !values['no-redact'] })) {
      process.stderr.write(`Wrote ${file.path} (${file.bytes} bytes): ${file.detail}\n`);
      process.stdout.write(`${file.path}\n`);
    }
    return 0;
  } finally {
    await engine.close();
  }
}

async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { store: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('import needs one FILE');
  const engine = Engine.open({ storePath: values.store });
  try {
    const { sessionId } = await engine.importFile(resolve(positionals[0]!));
    process.stderr.write(`Imported ${positionals[0]} as session ${sessionId}.\n`);
    process.stdout.write(`${sessionId}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}

async function push(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { otlp: { type: 'string' }, pyroscope: { type: 'string' }, store: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('push needs one SESSION id');
  if ((values.otlp === undefined) === (values.pyroscope === undefined)) throw new UsageError('push wants one of --otlp URL or --pyroscope URL');
  const url = (values.otlp ?? values.pyroscope)!;
  if (!/^https?:\/\/\S+$/.test(url)) throw new UsageError(`push wants an http:// or https:// URL, got "${url}"`);
  const engine = Engine.open({ storePath: values.store });
  try {
    const session = engine.store.sessions.get(positionals[0]!);
    if (values.otlp !== undefined) {
      for (const sent of await pushOtlp(engine.store, session.id, url)) {
        process.stdout.write(`${sent.signal}: ${sent.items} in ${sent.requests} requests to ${sent.url}\n`);
      }
    } else {
      const sent = await pushPyroscope(engine.store, session.id, url);
      if (sent.length === 0) process.stdout.write('no CPU or heap samples to send\n');
      for (const profile of sent) process.stdout.write(`${profile.kind}: ${profile.samples} samples to ${profile.url.split('?')[0]}\n`);
    }
    return 0;
  } finally {
    await engine.close();
  }
}

/** Best effort: the URL is printed either way. */
function openInBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { detached: true, stdio: 'ignore' });
  child.on('error', () => process.stderr.write(`(could not start ${opener}; open the URL above by hand)\n`));
  child.unref();
}

function projectRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../..');
}

function parseHostPort(value: string): TargetSpec {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) throw new UsageError(`--inspect wants HOST:PORT, got "${value}"`);
  return { kind: 'inspect', host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

function parseSignals(value: string): SignalName[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !ALL_SIGNALS.includes(n as SignalName));
  if (unknown.length || names.length === 0) {
    throw new UsageError(`Unknown signal "${unknown[0] ?? value}"; choose from ${ALL_SIGNALS.join(', ')}`);
  }
  return [...new Set(names)] as SignalName[];
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} wants a positive whole number, got "${value}"`);
  return n;
}

function wholeNumber(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} wants a whole number, got "${value}"`);
  return Number(value);
}

function hexId(value: string, digits: number, flag: string): string {
  const id = value.toLowerCase();
  if (!new RegExp(`^[0-9a-f]{${digits}}$`).test(id)) throw new UsageError(`${flag} wants ${digits} hex digits, got "${value}"`);
  return id;
}

function positiveNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} wants a positive number, got "${value}"`);
  return n;
}

function finiteNumber(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} wants a number, got "${value}"`);
  return n;
}
