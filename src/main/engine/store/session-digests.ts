// What questions derive from a session's rows (timeline columns, stack columns, per-chunk CPU self
// times), kept in one row per kind once computed. A store opened again then reads a few packed
// blobs instead of a million rows. Each digest names the basis it was derived from (the session's
// end, a table's size); a reader uses it only when that still holds, else derives it anew.
import type { Db } from './database';

export type DigestColumn = Int32Array | Uint8Array | Float64Array;

export interface Digest {
  meta: unknown;
  columns: DigestColumn[];
}

const TYPES = { i32: Int32Array, u8: Uint8Array, f64: Float64Array } as const;
type TypeName = keyof typeof TYPES;

export class SessionDigests {
  private readonly select;
  private readonly upsert;
  private readonly ending;

  constructor(db: Db) {
    this.ending = db.prepare(`SELECT status, ended_us FROM sessions WHERE id = ?`);
    this.select = db.prepare(`SELECT basis, data FROM session_digests WHERE session_id = ? AND kind = ?`);
    this.upsert = db.prepare(
      `INSERT INTO session_digests (session_id, kind, basis, data) VALUES (?, ?, ?, ?)
       ON CONFLICT (session_id, kind) DO UPDATE SET basis = excluded.basis, data = excluded.data`,
    );
  }

  /**
   * The basis of digests about everything a session stored: its end. Nothing is added to a session
   * after it ended; a recording (or a missing session) has none.
   */
  endBasis(sessionId: string): string | null {
    const row = this.ending.get(sessionId) as { status: string; ended_us: number | null } | undefined;
    return !row || row.status === 'recording' ? null : endBasis(row.status, row.ended_us);
  }

  /** The digest of `kind` when one was kept on `basis`; null when none was or it does not unpack. */
  get(sessionId: string, kind: string, basis: string): Digest | null {
    const row = this.select.get(sessionId, kind) as { basis: string; data: Buffer } | undefined;
    if (!row || row.basis !== basis) return null;
    return unpackDigest(row.data);
  }

  put(sessionId: string, kind: string, basis: string, digest: Digest): void {
    this.upsert.run(sessionId, kind, basis, packDigest(digest));
  }
}

/**
 * [u32 header bytes][header JSON][columns], each column starting at a multiple of 8 bytes so the
 * unpacked columns are views of one aligned copy.
 */
export function packDigest(digest: Digest): Buffer {
  const header = Buffer.from(
    JSON.stringify({ meta: digest.meta, columns: digest.columns.map((c) => [typeName(c), c.length]) }),
    'utf8',
  );
  const offsets: number[] = [];
  let size = align8(4 + header.length);
  for (const column of digest.columns) {
    offsets.push(size);
    size = align8(size + column.byteLength);
  }
  const out = Buffer.alloc(size);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  digest.columns.forEach((column, i) => out.set(new Uint8Array(column.buffer, column.byteOffset, column.byteLength), offsets[i]!));
  return out;
}

export function unpackDigest(data: Buffer): Digest | null {
  try {
    if (data.length < 4) return null;
    const headerBytes = data.readUInt32LE(0);
    if (4 + headerBytes > data.length) return null;
    const header = JSON.parse(data.toString('utf8', 4, 4 + headerBytes)) as { meta: unknown; columns: [TypeName, number][] };
    // SQLite hands back a Buffer of its own, usually 8-byte aligned: columns are views of it (else
    // of one aligned copy).
    // A Buffer from SQLite is never over shared memory.
    let copy = data.buffer as ArrayBuffer;
    let base = data.byteOffset;
    if (base % 8 !== 0) {
      copy = new ArrayBuffer(data.length);
      new Uint8Array(copy).set(data);
      base = 0;
    }
    let at = align8(4 + headerBytes);
    const columns: DigestColumn[] = [];
    for (const [type, length] of header.columns) {
      const Kind = TYPES[type];
      if (!Kind || !Number.isInteger(length) || length < 0 || at + length * Kind.BYTES_PER_ELEMENT > data.length) return null;
      columns.push(new Kind(copy, base + at, length));
      at = align8(at + length * Kind.BYTES_PER_ELEMENT);
    }
    return { meta: header.meta, columns };
  } catch {
    return null;
  }
}

export function endBasis(status: string, endedUs: number | null): string {
  return `${status}:${endedUs ?? ''}`;
}

function typeName(column: DigestColumn): TypeName {
  return column instanceof Float64Array ? 'f64' : column instanceof Uint8Array ? 'u8' : 'i32';
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
