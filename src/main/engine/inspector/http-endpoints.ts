// Reads a Node inspector's HTTP endpoints (/json/list, /json/version) over plain node:http.
import http from 'node:http';
import { z } from 'zod';
import { ParallaxError, messageOf } from '../../../shared/errors';

/** One entry of GET /json/list (research/inspector.md §1.1). */
export interface InspectorTarget {
  id: string;
  /** `<process.title>[<pid>]` on Node. */
  title: string;
  type: string;
  url: string;
  webSocketDebuggerUrl: string;
}

const targetList = z.array(
  z.object({
    id: z.string(),
    title: z.string(),
    type: z.string(),
    url: z.string(),
    webSocketDebuggerUrl: z.string(),
  }),
);
const versionReply = z.object({ Browser: z.string() });

const MAX_BODY_BYTES = 1 << 20;
export const DEFAULT_HTTP_TIMEOUT_MS = 2000;

/** Lists the targets an inspector offers; throws connection-refused or attach-failed. */
export async function listInspectorTargets(host: string, port: number, timeoutMs = DEFAULT_HTTP_TIMEOUT_MS): Promise<InspectorTarget[]> {
  const body = await getJson(host, port, '/json/list', timeoutMs);
  const parsed = targetList.safeParse(body);
  if (!parsed.success) throw notAnInspector(host, port, 'its /json/list has an unexpected shape');
  return parsed.data.map(({ id, title, type, url, webSocketDebuggerUrl }) => ({ id, title, type, url, webSocketDebuggerUrl }));
}

/** The Node.js version behind an inspector ("20.20.2"); throws when it is not a Node inspector. */
export async function inspectorVersion(host: string, port: number, timeoutMs = DEFAULT_HTTP_TIMEOUT_MS): Promise<string> {
  const parsed = versionReply.safeParse(await getJson(host, port, '/json/version', timeoutMs));
  const match = parsed.success ? /^node\.js\/v?(\d+\.\d+\.\d+\S*)$/.exec(parsed.data.Browser) : null;
  if (!match?.[1]) throw notAnInspector(host, port, 'it does not report itself as node.js');
  return match[1];
}

/** The PID in a Node target title such as "/usr/bin/node[9695]", or null. */
export function pidFromTitle(title: string): number | null {
  const match = /\[(\d+)\]$/.exec(title);
  return match?.[1] ? Number(match[1]) : null;
}

/** Host and port for an http request, from a URL's hostname ("[::1]" → "::1"). */
export function hostOfUrl(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function notAnInspector(host: string, port: number, why: string): ParallaxError {
  return new ParallaxError('attach-failed', `${formatAddress(host, port)} answered, but not as a Node.js inspector (${why})`);
}

function getJson(host: string, port: number, path: string, timeoutMs: number): Promise<unknown> {
  const address = formatAddress(host, port);
  return new Promise((resolve, reject) => {
    // The inspector rejects /json requests whose Host header is not an IP or localhost (§1.6);
    // node:http sends the host we connect to, which is what we want.
    const request = http.get({ host, port, path, timeout: timeoutMs, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          request.destroy();
          reject(notAnInspector(host, port, `${path} is larger than ${MAX_BODY_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', (error) => reject(notAnInspector(host, port, messageOf(error))));
      response.on('end', () => {
        if (response.statusCode !== 200) {
          reject(notAnInspector(host, port, `HTTP ${response.statusCode ?? '?'} for ${path}`));
          return;
        }
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
        } catch {
          reject(notAnInspector(host, port, `${path} is not JSON`));
        }
      });
    });
    request.on('timeout', () => {
      request.destroy();
      reject(new ParallaxError('attach-failed', `${address} did not answer ${path} within ${timeoutMs} ms`));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') reject(new ParallaxError('connection-refused', `Nothing is listening on ${address}`));
      else reject(new ParallaxError('attach-failed', `Could not reach ${address}: ${messageOf(error)}`));
    });
  });
}
