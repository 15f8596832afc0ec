// One HTTP GET of a metrics URL, bounded in time and size: the exposition text, or a failure
// that says in a sentence what went wrong (refused, timed out, HTTP status, too large).
import http from 'node:http';
import https from 'node:https';
import { ParallaxError } from '../../../../shared/errors';

export type ScrapeFailureKind = 'refused' | 'timeout' | 'http-status' | 'too-large' | 'bad-response' | 'network' | 'stopped';

export class ScrapeFailure extends Error {
  constructor(
    readonly kind: ScrapeFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'ScrapeFailure';
  }
}

export interface ScrapeTarget {
  url: URL;
  /** The URL as shown to people: any password replaced. */
  shownUrl: string;
}

// Prometheus asks for the same: the text format, version 0.0.4. No Accept-Encoding, so the
// body arrives as it is and the size cap counts the bytes parsed.
const ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';

/** Checks a metrics URL; throws ParallaxError unless it is http(s). Credentials in it become Basic auth. */
export function scrapeTargetOf(raw: string): ScrapeTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ParallaxError('bad-request', `The Prometheus URL "${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ParallaxError('bad-request', `The Prometheus URL must start with http:// or https:// (got ${url.protocol}//)`);
  }
  const shown = new URL(url.href);
  if (shown.password) shown.password = '***';
  return { url, shownUrl: shown.href };
}

/** One connection, reused between scrapes, closed by the scraper that made it (destroy()). */
export function agentFor(target: ScrapeTarget): http.Agent {
  const options = { keepAlive: true, maxSockets: 1 };
  return target.url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
}

export interface ScrapeLimits {
  timeoutMs: number;
  maxBytes: number;
}

/** GETs the exposition text. Rejects with ScrapeFailure only; `signal` aborts with kind 'stopped'. */
export function requestExposition(target: ScrapeTarget, agent: http.Agent, limits: ScrapeLimits, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => settle(new ScrapeFailure('timeout', `no complete answer within ${limits.timeoutMs} ms`)), limits.timeoutMs);
    const settle = (outcome: string | ScrapeFailure): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof ScrapeFailure) {
        request.destroy();
        reject(outcome);
      } else {
        resolve(outcome);
      }
    };
    const get = target.url.protocol === 'https:' ? https.get : http.get;
    const request = get(target.url, { agent, signal, headers: { Accept: ACCEPT } }, (response) => {
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299) {
        const moved = status >= 300 && status < 400 ? ' (redirects are not followed: give the final URL)' : '';
        settle(new ScrapeFailure('http-status', `HTTP ${status} ${response.statusMessage ?? ''}`.trim() + moved));
        return;
      }
      const encoding = response.headers['content-encoding'];
      if (encoding && encoding !== 'identity') {
        settle(new ScrapeFailure('bad-response', `the response is ${encoding}-encoded, which was not asked for`));
        return;
      }
      const declaredBytes = Number(response.headers['content-length'] ?? 0);
      if (declaredBytes > limits.maxBytes) {
        settle(tooLarge(limits.maxBytes, `${declaredBytes} bytes declared`));
        return;
      }
      const chunks: Buffer[] = [];
      let sizeBytes = 0;
      response.on('data', (chunk: Buffer) => {
        sizeBytes += chunk.length;
        if (sizeBytes > limits.maxBytes) settle(tooLarge(limits.maxBytes, 'more was sent'));
        else chunks.push(chunk);
      });
      response.on('end', () => settle(Buffer.concat(chunks).toString('utf8')));
      response.on('error', (error) => settle(failureOf(error, signal)));
    });
    request.on('error', (error) => settle(failureOf(error, signal)));
  });
}

function tooLarge(maxBytes: number, what: string): ScrapeFailure {
  const limit = maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MiB` : `${maxBytes} byte`;
  return new ScrapeFailure('too-large', `the response is over the ${limit} limit (${what})`);
}

function failureOf(error: Error, signal: AbortSignal): ScrapeFailure {
  if (signal.aborted) return new ScrapeFailure('stopped', 'the recording stopped');
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (code === 'ECONNREFUSED') return new ScrapeFailure('refused', `connection refused (${error.message})`);
  return new ScrapeFailure('network', code ? `${code}: ${error.message}` : error.message);
}
