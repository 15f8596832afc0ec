// Serves the built renderer from one directory, refusing every path that could leave it.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup = { kind: 'file'; path: string } | { kind: 'forbidden' } | { kind: 'missing' };

/**
 * Maps a raw (undecoded) request path to a regular file under `rootReal` (a realpath).
 * Forbidden: encoded slashes or backslashes, NUL, undecodable escapes, any segment starting with
 * '.' (covers `..`, `.` and dotfiles, before and after decoding), and anything that resolves or
 * links outside the root.
 */
export async function lookupStaticFile(rootReal: string, rawPath: string): Promise<StaticLookup> {
  if (!rawPath.startsWith('/') || rawPath.includes('\\') || /%(2f|5c|00)/i.test(rawPath)) {
    return { kind: 'forbidden' };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'forbidden' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'forbidden' };
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment.startsWith('.'))) return { kind: 'forbidden' };
  if (segments.length === 0) return { kind: 'missing' };

  const candidate = resolve(rootReal, ...segments);
  if (!candidate.startsWith(rootReal + sep)) return { kind: 'forbidden' };
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { kind: 'missing' };
  }
  if (!real.startsWith(rootReal + sep)) return { kind: 'forbidden' };
  const info = await stat(real);
  return info.isFile() ? { kind: 'file', path: real } : { kind: 'missing' };
}

/** Streams one file with the given extra headers; HEAD gets the headers only. */
export async function sendFile(
  res: ServerResponse,
  path: string,
  headOnly: boolean,
  headers: Record<string, string>,
): Promise<void> {
  const info = await stat(path);
  res.writeHead(200, { ...headers, 'Content-Type': contentTypeOf(path), 'Content-Length': info.size });
  if (headOnly) {
    res.end();
    return;
  }
  await pipeline(createReadStream(path), res);
}
