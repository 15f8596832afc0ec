// Writes one session as a .parallax bundle: every carried table in column blocks, the session's
// heap snapshot files (streamed), Brotli-compressed, then the manifest and a checksummed footer.
// The file appears under its name only once complete.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlib, createBrotliCompress } from 'node:zlib';
import { version as APP_VERSION } from '../../../../package.json';
import { ParallaxError } from '../../../shared/errors';
import { SCHEMA_VERSION } from '../store/schema';
import type { Store } from '../store/store';
import { type Cell, encodeBlock } from './columns';
import { encodeFooterPrefix, encodeHeader } from './container';
import { FILE_CHUNK_BYTES, FrameType, frame } from './frames';
import type { BundleManifest } from './manifest';
import { Redactor } from './redaction';
import type { Db } from '../store/database';
import { type BundleTable, presentTables, withoutRowid } from './tables';

const BLOCK_ROWS = 32_768;
/** Brotli quality 4 with a 16 MiB window: on the bench session 0.48 of gzip JSON (quality 5: 0.48, slower). */
const BROTLI_QUALITY = 4;
const BROTLI_WINDOW_BITS = 24;

export interface BundleExportOptions {
  /** Redact secrets (the default); false keeps every value as recorded. */
  redact?: boolean;
}

export interface BundleExportResult {
  bytes: number;
  manifest: BundleManifest;
}

/** Exports `sessionId` (a full id) from `store` to `outPath`; a failed export leaves no file. */
export async function exportBundle(store: Store, sessionId: string, outPath: string, options: BundleExportOptions = {}): Promise<BundleExportResult> {
  const session = store.sessions.get(sessionId);
  if (session.status === 'recording') throw new ParallaxError('bad-request', 'Stop the recording before exporting its session');
  const redactor = options.redact === false ? null : new Redactor();
  const rowCounts = new Map<string, number>();
  const files: BundleManifest['files'] = [];
  const content = createHash('sha256');
  let contentBytes = 0;

  function* tableFrames(): Generator<Buffer> {
    for (const { table, columns } of presentTables(store.db)) {
      const names = columns.map((c) => c.name);
      const redactions = redactor ? Object.entries(table.redact ?? {}).map(([column, rule]) => ({ index: names.indexOf(column), column, rule })) : [];
      const recorderPid = table.name === 'sessions' ? names.indexOf('recorder_pid') : -1;
      const snapshotFile = table.name === 'heap_snapshots' ? names.indexOf('file') : -1;
      let rows: Cell[][] = [];
      let total = 0;
      for (const row of sessionRows(store.db, table, names, session.id)) {
        for (const { index, column, rule } of redactions) {
          const value = row[index];
          if (index >= 0 && typeof value === 'string') row[index] = redactor!.apply(rule, `${table.name}.${column}`, value);
        }
        if (recorderPid >= 0) row[recorderPid] = null;
        // Only the file's name travels: a path on this machine means nothing elsewhere.
        if (snapshotFile >= 0 && typeof row[snapshotFile] === 'string') row[snapshotFile] = basename(row[snapshotFile]);
        rows.push(row);
        total++;
        if (rows.length === BLOCK_ROWS) {
          yield frame(FrameType.Table, encodeBlock(table.name, names, rows, table.blobs));
          rows = [];
        }
      }
      if (rows.length > 0) yield frame(FrameType.Table, encodeBlock(table.name, names, rows, table.blobs));
      rowCounts.set(table.name, total);
    }
  }

  async function* fileFrames(): AsyncGenerator<Buffer> {
    for (const snapshot of store.heap.snapshots(session.id)) {
      if (!existsSync(snapshot.file)) continue;
      const name = basename(snapshot.file);
      const begin = Buffer.concat([u64(snapshot.id), Buffer.from(name, 'utf8')]);
      yield frame(FrameType.FileBegin, begin);
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of createReadStream(snapshot.file, { highWaterMark: FILE_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        bytes += chunk.length;
        yield frame(FrameType.FileData, chunk);
      }
      const sha256 = hash.digest();
      yield frame(FrameType.FileEnd, Buffer.concat([u64(bytes), sha256]));
      files.push({ snapshotId: snapshot.id, name, bytes, sha256: sha256.toString('hex') });
    }
  }

  async function* payload(): AsyncGenerator<Buffer> {
    const counted = (b: Buffer): Buffer => {
      content.update(b);
      contentBytes += b.length;
      return b;
    };
    for (const b of tableFrames()) yield counted(b);
    for await (const b of fileFrames()) yield counted(b);
    yield counted(frame(FrameType.End, Buffer.alloc(0)));
  }

  const partial = `${outPath}.partial-${randomBytes(4).toString('hex')}`;
  const handle = await open(partial, 'w');
  try {
    const whole = createHash('sha256');
    const header = encodeHeader();
    whole.update(header);
    await handle.write(header);
    let payloadBytes = 0;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        whole.update(chunk);
        payloadBytes += chunk.length;
        handle.write(chunk).then(() => done(), done);
      },
    });
    await pipeline(
      Readable.from(payload()),
      createBrotliCompress({ params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW_BITS } }),
      sink,
    );
    const manifest: BundleManifest = {
      format: 'parallax-bundle',
      formatVersion: 1,
      appVersion: APP_VERSION,
      createdAt: new Date().toISOString(),
      schemaVersion: SCHEMA_VERSION,
      session: { id: session.id, name: session.name, startedUs: session.startedAt, endedUs: session.endedAt },
      redaction: { applied: redactor !== null, counts: redactor?.report() ?? [] },
      content: { compression: 'brotli', bytes: contentBytes, sha256: content.digest('hex') },
      tables: [...rowCounts].map(([name, rows]) => ({ name, rows })),
      files,
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest), 'utf8');
    const footer = encodeFooterPrefix(payloadBytes, manifestBytes.length);
    whole.update(manifestBytes);
    whole.update(footer);
    await handle.write(Buffer.concat([manifestBytes, footer, whole.digest()]));
    await handle.close();
    await rename(partial, outPath);
    return { bytes: header.length + payloadBytes + manifestBytes.length + footer.length + 32, manifest };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}

/** Row ids spanning at most this many times the session's rows are read as one run of the table. */
const DENSE_ROWIDS = 4;

/**
 * The session's rows of `table`, in row id order. A session's rows mostly sit in one run of row
 * ids: reading that run of the table in order, skipping any other session's rows in it, saves
 * sorting whole rows in a temporary B-tree (most of what export spent in SQLite). Rows spread thinly
 * among another session's are looked up by session and sorted as before.
 */
function sessionRows(db: Db, table: BundleTable, names: string[], sessionId: string): Iterable<Cell[]> {
  const columns = names.map((n) => `t."${n}"`).join(', ');
  const from = `FROM "${table.name}" t`;
  const mine = table.parent
    ? `t."${table.parent.column}" IN (SELECT id FROM "${table.parent.table}" WHERE session_id = ?)`
    : `t."${table.sessionColumn}" = ?`;
  if (withoutRowid(db, table.name)) return db.prepare(`SELECT ${columns} ${from} WHERE ${mine}`).raw().iterate(sessionId) as Iterable<Cell[]>;
  const span = db.prepare(`SELECT min(t.rowid) AS first, max(t.rowid) AS last, count(*) AS rows ${from} WHERE ${mine}`).get(sessionId) as {
    first: number | null;
    last: number | null;
    rows: number;
  };
  if (span.first === null || span.last === null) return [];
  if (span.last - span.first < span.rows * DENSE_ROWIDS) {
    // The unary + keeps SQLite from using a session index: the row id range is the plan.
    return db.prepare(`SELECT ${columns} ${from} WHERE t.rowid BETWEEN ? AND ? AND +${mine} ORDER BY t.rowid`).raw().iterate(span.first, span.last, sessionId) as Iterable<Cell[]>;
  }
  return db.prepare(`SELECT ${columns} ${from} WHERE ${mine} ORDER BY t.rowid`).raw().iterate(sessionId) as Iterable<Cell[]>;
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}
