// The web host's file routes, behind the same Host check and the per-run token as the Api:
// GET /files/export streams a session's file as a download (written to a temporary file first);
// POST /files/import takes a streamed upload (size-capped) into a temporary file and hands it to
// the import dispatcher. Temporary files are removed whatever happens.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isWindowExportFormat, WINDOW_EXPORT_FORMATS } from '../../shared/api';
import { codeOf, messageOf } from '../../shared/errors';
import { isAllowedOrigin, secretMatches, sendPlain } from './request-guard';

/** Largest upload accepted (a bundle of a long session with heap snapshots fits). */
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024 * 1024;

/** What the host needs from the engine to move sessions as files (the Engine fits). */
export interface HostSessionFiles {
  exportSessionAsOneFile(sessionId: string, format: string, outFile: string, options: { redact?: boolean }): Promise<unknown>;
  importFile(path: string): Promise<{ sessionId: string }>;
  listSessions(): Promise<{ id: string; name: string }[]>;
}

/** Handles /files/* requests; false when the path is not one of them. */
export async function handleFileRoute(
  req: IncomingMessage,
  res: ServerResponse,
  route: { rawPath: string; query: URLSearchParams; port: number; token: string; files: HostSessionFiles | undefined; headers: Record<string, string> },
): Promise<boolean> {
  const { rawPath, query, headers } = route;
  if (rawPath !== '/files/export' && rawPath !== '/files/import') return false;
  if (!route.files) {
    sendPlain(res, 404, 'This host does not move session files.', headers);
    return true;
  }
  if (!secretMatches(query.get('token'), route.token)) {
    sendPlain(res, 403, 'Forbidden: missing or wrong token.', headers);
    return true;
  }
  // A page from another site could post here blind; browsers always send Origin on POST.
  if (!isAllowedOrigin(req.headers.origin, route.port)) {
    sendPlain(res, 403, 'Forbidden: unexpected Origin.', headers);
    return true;
  }
  if (rawPath === '/files/export') {
    if (req.method !== 'GET') return methodNotAllowed(res, 'GET', headers), true;
    await exportRoute(res, query, route.files, headers);
  } else {
    if (req.method !== 'POST') return methodNotAllowed(res, 'POST', headers), true;
    await importRoute(req, res, query, route.files, headers);
  }
  return true;
}

function methodNotAllowed(res: ServerResponse, allow: string, headers: Record<string, string>): void {
  sendPlain(res, 405, 'Method not allowed.', { ...headers, Allow: allow });
}

function statusOf(error: unknown): number {
  const code = codeOf(error);
  return code === 'not-found' ? 404 : code === 'bad-request' || code === 'store-version' ? 400 : 500;
}

/** A file name safe in a header and on any disk: letters, digits, dot, dash, underscore. */
function safeName(name: string, fallback: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 80);
  return cleaned || fallback;
}

async function exportRoute(res: ServerResponse, query: URLSearchParams, files: HostSessionFiles, headers: Record<string, string>): Promise<void> {
  const sessionId = query.get('session') ?? '';
  if (sessionId === '') {
    sendPlain(res, 400, 'Say which session to export (?session=ID).', headers);
    return;
  }
  const format = query.get('format') ?? 'bundle';
  if (!isWindowExportFormat(format)) {
    sendPlain(res, 400, `Unknown export format "${format.slice(0, 40)}"; choose from ${Object.keys(WINDOW_EXPORT_FORMATS).join(', ')}.`, headers);
    return;
  }
  const { extension } = WINDOW_EXPORT_FORMATS[format];
  const dir = await mkdtemp(join(tmpdir(), 'parallax-export-'));
  try {
    const out = join(dir, `session${extension}`);
    try {
      await files.exportSessionAsOneFile(sessionId, format, out, { redact: query.get('redact') !== '0' });
    } catch (error) {
      sendPlain(res, statusOf(error), messageOf(error), headers);
      return;
    }
    const session = (await files.listSessions()).find((s) => s.id === sessionId || s.id.startsWith(sessionId));
    const suffix = extension === '.parallax' ? '' : `-${format}`;
    const name = `${safeName(session?.name ?? '', 'session')}-${(session?.id ?? sessionId).slice(0, 8)}${suffix}${extension}`;
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'application/octet-stream',
      'Content-Length': (await stat(out)).size,
      'Content-Disposition': `attachment; filename="${name}"`,
    });
    await pipeline(createReadStream(out), res);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function importRoute(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, files: HostSessionFiles, headers: Record<string, string>): Promise<void> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > MAX_UPLOAD_BYTES) {
    sendPlain(res, 413, `The file is larger than ${MAX_UPLOAD_BYTES} bytes, the most this host accepts.`, headers);
    req.resume();
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'parallax-import-'));
  try {
    // Named as the person's file so messages about it say its name.
    const file = join(dir, safeName(query.get('name') ?? '', 'upload'));
    let received = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (received > MAX_UPLOAD_BYTES) done(new Error('too large'));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(req, cap, createWriteStream(file));
    } catch {
      const tooLarge = received > MAX_UPLOAD_BYTES;
      sendPlain(res, tooLarge ? 413 : 400, tooLarge ? `The file is larger than ${MAX_UPLOAD_BYTES} bytes, the most this host accepts.` : 'The upload was cut short.', headers);
      return;
    }
    try {
      const { sessionId } = await files.importFile(file);
      const body = JSON.stringify({ sessionId });
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    } catch (error) {
      sendPlain(res, statusOf(error), messageOf(error), headers);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
