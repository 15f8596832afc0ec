// The OTLP/HTTP receiver: a loopback server for POST /v1/traces, /v1/logs and /v1/metrics in JSON or
// protobuf, gzip or identity. A browser page can reach loopback too, so it checks Host (DNS
// rebinding), sends no CORS headers, and takes only the two OTLP content types (others must preflight,
// and preflights get 405). Bodies are capped after decompression; refusals are counted by reason.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ParallaxError, messageOf } from '../../../../shared/errors';
import type { SessionWriter } from '../../store/session-writer';
import type { Store } from '../../store/store';
import { decodeJson } from './decode-json';
import { type OtlpSignal, decodeProtobuf } from './decode-protobuf';
import type { Tree } from './otlp-values';
import { OtlpRefusal } from './refusal';
import { CONTENT_TYPES, type OtlpEncoding, type PartialSuccess, encodeResponse, encodeStatus } from './responses';
import { logsFromRequest } from './to-logs';
import { MetricConverter } from './to-metrics';
import { spansFromRequest } from './to-spans';

/** The OTLP specification's recommended limit, applied after decompression. */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;
const CLOSE_GRACE_MS = 2000;
const REQUEST_TIMEOUT_MS = 30_000;

const SIGNALS_BY_PATH: Readonly<Record<string, OtlpSignal>> = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' };
const ITEM_NOUNS: Record<OtlpSignal, string> = { traces: 'spans', logs: 'log records', metrics: 'data points' };

export interface OtlpReceiverOptions {
  store: Store;
  writer: SessionWriter;
  /** Port on 127.0.0.1; a free one when absent or 0. */
  port?: number;
  maxBodyBytes?: number;
  /** Hears the counts by reason of refused requests and skipped items, after each request that added some. */
  onTally?(counts: Readonly<Record<string, number>>): void;
}

export class OtlpReceiver {
  private readonly counts: Record<string, number> = {};
  private readonly metrics = new MetricConverter();
  private readonly inFlight = new Set<Promise<void>>();
  private allowedHosts = new Set<string>();
  private port = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: OtlpReceiverOptions,
  ) {}

  /** Listens on 127.0.0.1; throws ParallaxError when the asked-for port is taken. */
  static async start(options: OtlpReceiverOptions): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server, options);
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const handling = receiver.handle(req, res);
      receiver.inFlight.add(handling);
      void handling.finally(() => receiver.inFlight.delete(handling));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const port = options.port ?? 0;
        reject(
          error.code === 'EADDRINUSE'
            ? new ParallaxError('bad-request', `Port ${port} on 127.0.0.1 is in use, so the OTLP receiver cannot listen there. Choose another OTLP port, or leave it out to use a free one.`)
            : new ParallaxError('internal', `The OTLP receiver could not listen on 127.0.0.1:${port}: ${error.message}`),
        );
      });
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    receiver.port = (server.address() as AddressInfo).port;
    receiver.allowedHosts = new Set([`127.0.0.1:${receiver.port}`, `localhost:${receiver.port}`]);
    return receiver;
  }

  /** What OTEL_EXPORTER_OTLP_ENDPOINT should be: the exporters add /v1/<signal>. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Refused requests and skipped items so far, by reason. */
  tallies(): Record<string, number> {
    return { ...this.counts };
  }

  /** Stops listening; requests under way get a short grace to finish writing. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))),
    ]);
    clearTimeout(timer);
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let encoding: OtlpEncoding | null = null;
    try {
      const host = req.headers.host?.toLowerCase();
      if (!host || !this.allowedHosts.has(host)) throw new OtlpRefusal(403, 'Host header is not 127.0.0.1 or localhost with this port');
      const signal = SIGNALS_BY_PATH[(req.url ?? '').split('?')[0] ?? ''];
      if (!signal) throw new OtlpRefusal(404, 'unknown path (use /v1/traces, /v1/logs or /v1/metrics)');
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        throw new OtlpRefusal(405, 'method not allowed (only POST)');
      }
      encoding = encodingOf(req.headers['content-type']);
      const gzip = isGzip(req.headers['content-encoding']);
      const maxBytes = this.options.maxBodyBytes ?? MAX_BODY_BYTES;
      if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge(maxBytes);
      const body = await readBody(req, gzip, maxBytes);
      const tree = encoding === 'json' ? decodeJson(body) : decodeProtobuf(signal, body);
      const partial = this.ingest(signal, tree);
      reply(res, 200, CONTENT_TYPES[encoding], encodeResponse(signal, encoding, partial));
    } catch (error) {
      const refusal = error instanceof OtlpRefusal ? error : new OtlpRefusal(500, 'internal error', messageOf(error));
      this.addTallies(new Map([[`refused (${refusal.status}): ${refusal.reason}`, 1]]));
      // A body left unread is not drained: the connection closes after the answer.
      if (!req.complete) res.setHeader('Connection', 'close');
      if (encoding) reply(res, refusal.status, CONTENT_TYPES[encoding], encodeStatus(encoding, refusal.status, refusal.message));
      else reply(res, refusal.status, 'text/plain; charset=utf-8', Buffer.from(`${refusal.message}\n`));
    }
  }

  /** Queues what the request holds on the writer; the answer names what was not stored. */
  private ingest(signal: OtlpSignal, tree: Tree): PartialSuccess | null {
    const local = new Map<string, number>();
    const tally = (reason: string): void => void local.set(reason, (local.get(reason) ?? 0) + 1);
    const { store, writer } = this.options;
    const sessionId = writer.sessionId;
    let rejected = 0;
    if (signal === 'traces') {
      const spans = spansFromRequest(tree, tally);
      for (const span of spans.items) writer.enqueue(() => store.spans.insert(sessionId, span), { kind: 'spans', n: 1 });
      rejected = spans.rejected;
    } else if (signal === 'logs') {
      const logs = logsFromRequest(tree, tally, Date.now() * 1000);
      for (const log of logs.items) writer.addLog(log);
      rejected = logs.rejected;
    } else {
      const points = this.metrics.pointsFromRequest(tree, tally);
      for (const point of points.items) writer.addMetric(point);
      rejected = points.rejected;
    }
    this.addTallies(local);
    if (rejected === 0) return null;
    const reasons = [...local].map(([reason, n]) => `${reason} (${n})`).join('; ');
    return { rejected, message: `${rejected} ${ITEM_NOUNS[signal]} not stored: ${reasons}` };
  }

  private addTallies(tallies: ReadonlyMap<string, number>): void {
    if (tallies.size === 0) return;
    for (const [reason, n] of tallies) this.counts[reason] = (this.counts[reason] ?? 0) + n;
    this.options.onTally?.(this.tallies());
  }
}

function encodingOf(contentType: string | undefined): OtlpEncoding {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (media === 'application/json') return 'json';
  if (media === 'application/x-protobuf') return 'protobuf';
  throw new OtlpRefusal(415, 'unsupported content type (use application/json or application/x-protobuf)');
}

function isGzip(contentEncoding: string | undefined): boolean {
  const coding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (coding === 'gzip') return true;
  if (coding === 'identity' || coding === '') return false;
  throw new OtlpRefusal(415, 'unsupported content encoding (use gzip or none)');
}

function tooLarge(maxBytes: number): OtlpRefusal {
  return new OtlpRefusal(413, `body over ${maxBytes / (1024 * 1024)} MiB after decompression`);
}

/**
 * Reads the body, inflating gzip as a stream and stopping the moment either the bytes on the wire
 * or the inflated bytes pass `maxBytes`: a gzip bomb costs at most `maxBytes` of memory.
 */
function readBody(req: IncomingMessage, gzip: boolean, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const gunzip = gzip ? createGunzip() : null;
    const finish = (refusal: OtlpRefusal | null): void => {
      if (settled) return;
      settled = true;
      if (gunzip) {
        req.unpipe(gunzip);
        gunzip.destroy();
      }
      if (refusal) reject(refusal);
      else resolve(Buffer.concat(chunks, size));
    };
    let output: Readable = req;
    if (gunzip) {
      let wireBytes = 0;
      req.on('data', (chunk: Buffer) => {
        wireBytes += chunk.length;
        if (wireBytes > maxBytes) finish(tooLarge(maxBytes));
      });
      gunzip.on('error', (error) => finish(new OtlpRefusal(400, 'malformed gzip', error.message)));
      req.pipe(gunzip);
      output = gunzip;
    }
    output.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) finish(tooLarge(maxBytes));
      else chunks.push(chunk);
    });
    output.on('end', () => finish(null));
    req.on('close', () => {
      if (!req.complete) finish(new OtlpRefusal(400, 'request aborted before its body ended'));
    });
  });
}

function reply(res: ServerResponse, status: number, contentType: string, body: Uint8Array): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.length });
  res.end(body);
}
