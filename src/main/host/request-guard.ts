// Checks every request to the web host must pass: Host (DNS rebinding), Origin (cross-site
// WebSockets), and the per-run secrets, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** Only the loopback names we print: a rebound DNS name reaching 127.0.0.1 carries its own Host. */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const value = host.toLowerCase();
  return value === `127.0.0.1:${port}` || value === `localhost:${port}`;
}

/**
 * Browsers always send Origin on a WebSocket handshake, so a page from any other site is refused
 * here. Non-browser clients (the CLI, tests) send none; they still need the token, which a
 * browser page on another origin cannot read.
 */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

/** Constant-time equality of a presented secret and the real one (hashing hides the length). */
export function secretMatches(presented: string | null | undefined, secret: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(secret));
}

/** One cookie's value from a Cookie header, or null. */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * Splits a raw request target into its undecoded path and its query. The raw path is kept on
 * purpose: URL parsing would resolve `..` and `%2e%2e` before the static file check could see them.
 */
export function splitTarget(rawTarget: string | undefined): { rawPath: string; query: URLSearchParams } {
  const target = rawTarget ?? '/';
  const mark = target.indexOf('?');
  const rawPath = mark === -1 ? target : target.slice(0, mark);
  const query = new URLSearchParams(mark === -1 ? '' : target.slice(mark + 1));
  return { rawPath, query };
}

export function sendPlain(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(message),
  });
  res.end(message);
}

/** Refuses a WebSocket upgrade with a plain HTTP status before any handshake happens. */
export function refuseUpgrade(socket: Duplex, status: 403 | 404, message: string): void {
  const reason = status === 403 ? 'Forbidden' : 'Not Found';
  socket.on('error', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
}
