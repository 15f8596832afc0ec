// Heap data of a session: sampling-profile allocations on interned stacks, and heap snapshots
// (the snapshot files live beside the store; their per-constructor summary lives here).
import type { HeapSnapshotInfo, SnapshotClass, SnapshotClassDiff, TimeRange } from '../../../shared/domain';
import type { Db } from './database';

export interface HeapSampleRow {
  threadId: number;
  capturedUs: number;
  stackId: number;
  selfSizeBytes: number;
  sampleCount: number;
}

export class HeapTable {
  private readonly insertSample;

  constructor(private readonly db: Db) {
    this.insertSample = db.prepare(
      `INSERT INTO heap_samples (session_id, thread_id, captured_us, stack_id, self_size_bytes, sample_count) VALUES (?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Call inside a transaction. */
  insertSampleRow(sessionId: string, row: HeapSampleRow): void {
    this.insertSample.run(sessionId, row.threadId, Math.round(row.capturedUs), row.stackId, row.selfSizeBytes, row.sampleCount);
  }

  /** Bytes allocated per stack id over a window (and thread). */
  bytesByStack(sessionId: string, filter: { range?: TimeRange; threadId?: number } = {}): Map<number, { bytes: number; samples: number }> {
    const where = ['session_id = @sessionId'];
    const params: Record<string, unknown> = { sessionId };
    if (filter.range) {
      where.push('captured_us BETWEEN @fromUs AND @toUs');
      params.fromUs = filter.range.fromUs;
      params.toUs = filter.range.toUs;
    }
    if (filter.threadId !== undefined) {
      where.push('thread_id = @threadId');
      params.threadId = filter.threadId;
    }
    const rows = this.db
      .prepare(
        `SELECT stack_id, SUM(self_size_bytes) AS bytes, SUM(sample_count) AS samples FROM heap_samples
         WHERE ${where.join(' AND ')} GROUP BY stack_id`,
      )
      .all(params) as { stack_id: number; bytes: number; samples: number }[];
    return new Map(rows.map((r) => [r.stack_id, { bytes: r.bytes, samples: r.samples }]));
  }

  sampleCount(sessionId: string, range?: TimeRange): number {
    const row = range
      ? this.db
          .prepare(`SELECT COALESCE(SUM(sample_count), 0) AS n FROM heap_samples WHERE session_id = ? AND captured_us BETWEEN ? AND ?`)
          .get(sessionId, range.fromUs, range.toUs)
      : this.db.prepare(`SELECT COALESCE(SUM(sample_count), 0) AS n FROM heap_samples WHERE session_id = ?`).get(sessionId);
    return (row as { n: number }).n;
  }

  createSnapshot(sessionId: string, threadId: number, startedUs: number, file: string): number {
    return Number(
      this.db
        .prepare(`INSERT INTO heap_snapshots (session_id, thread_id, started_us, file, status) VALUES (?, ?, ?, ?, 'writing')`)
        .run(sessionId, threadId, Math.round(startedUs), file).lastInsertRowid,
    );
  }

  finishSnapshot(id: number, status: 'complete' | 'failed', endedUs: number, sizeBytes: number, detail: string | null): void {
    this.db
      .prepare(`UPDATE heap_snapshots SET status = ?, ended_us = ?, size_bytes = ?, detail = ? WHERE id = ?`)
      .run(status, Math.round(endedUs), sizeBytes, detail, id);
  }

  /** Replaces a snapshot's per-constructor summary. */
  setSnapshotClasses(snapshotId: number, classes: SnapshotClass[]): void {
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM snapshot_classes WHERE snapshot_id = ?`).run(snapshotId);
      const insert = this.db.prepare(`INSERT INTO snapshot_classes (snapshot_id, name, count, self_size_bytes) VALUES (?, ?, ?, ?)`);
      for (const c of classes) insert.run(snapshotId, c.name, c.count, c.selfSizeBytes);
    })();
  }

  snapshots(sessionId: string): (HeapSnapshotInfo & { file: string })[] {
    const rows = this.db.prepare(`SELECT * FROM heap_snapshots WHERE session_id = ? ORDER BY started_us`).all(sessionId) as {
      id: number;
      thread_id: number;
      started_us: number;
      ended_us: number | null;
      file: string;
      size_bytes: number;
      status: HeapSnapshotInfo['status'];
      detail: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      threadId: r.thread_id,
      startedUs: r.started_us,
      endedUs: r.ended_us,
      sizeBytes: r.size_bytes,
      status: r.status,
      detail: r.detail,
      file: r.file,
    }));
  }

  snapshotSession(snapshotId: number): string | null {
    const row = this.db.prepare(`SELECT session_id FROM heap_snapshots WHERE id = ?`).get(snapshotId) as { session_id: string } | undefined;
    return row?.session_id ?? null;
  }

  snapshotClasses(snapshotId: number): SnapshotClass[] {
    return this.db
      .prepare(`SELECT name, count, self_size_bytes AS selfSizeBytes FROM snapshot_classes WHERE snapshot_id = ? ORDER BY self_size_bytes DESC`)
      .all(snapshotId) as SnapshotClass[];
  }

  /** Per-constructor change from snapshot `before` to `after`, largest size change first. */
  diffSnapshots(before: number, after: number): SnapshotClassDiff[] {
    const a = new Map(this.snapshotClasses(before).map((c) => [c.name, c]));
    const b = new Map(this.snapshotClasses(after).map((c) => [c.name, c]));
    const names = new Set([...a.keys(), ...b.keys()]);
    const rows: SnapshotClassDiff[] = [];
    for (const name of names) {
      const x = a.get(name);
      const y = b.get(name);
      rows.push({
        name,
        countBefore: x?.count ?? 0,
        countAfter: y?.count ?? 0,
        selfSizeBytesBefore: x?.selfSizeBytes ?? 0,
        selfSizeBytesAfter: y?.selfSizeBytes ?? 0,
      });
    }
    const delta = (r: SnapshotClassDiff): number => Math.abs(r.selfSizeBytesAfter - r.selfSizeBytesBefore);
    return rows.sort((p, q) => delta(q) - delta(p) || p.name.localeCompare(q.name));
  }
}
