// Session rows: create, finish, list, find by id or prefix, mark orphaned recordings interrupted.
import type { SessionInfo, SessionStatus, SignalName, TargetInfo } from '../../../shared/domain';
import { ParallaxError } from '../../../shared/errors';
import type { Db } from './database';

interface SessionRow {
  id: string;
  name: string;
  started_us: number;
  ended_us: number | null;
  status: string;
  status_detail: string | null;
  target_pid: number | null;
  target_node_version: string | null;
  target_title: string | null;
  attached_via: string;
  signals: string;
  interval_us: number;
  recorder_pid: number | null;
}

export interface NewSession {
  id: string;
  name: string;
  startedUs: number;
  target: TargetInfo;
  signals: SignalName[];
  intervalUs: number;
}

export class SessionTable {
  constructor(private readonly db: Db) {}

  create(session: NewSession): void {
    this.db
      .prepare(
        `INSERT INTO sessions (id, name, started_us, status, target_pid, target_node_version, target_title,
           attached_via, signals, interval_us, recorder_pid)
         VALUES (?, ?, ?, 'recording', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        session.id,
        session.name,
        session.startedUs,
        session.target.pid,
        session.target.nodeVersion,
        session.target.title,
        session.target.attachedVia,
        JSON.stringify(session.signals),
        session.intervalUs,
        process.pid,
      );
  }

  /** Names and dates a session once its target is reached. */
  start(id: string, name: string, startedUs: number, target: TargetInfo): void {
    this.db
      .prepare(
        `UPDATE sessions SET name = ?, started_us = ?, target_pid = ?, target_node_version = ?, target_title = ?, attached_via = ? WHERE id = ?`,
      )
      .run(name, Math.round(startedUs), target.pid, target.nodeVersion, target.title, target.attachedVia, id);
  }

  updateTarget(id: string, target: TargetInfo): void {
    this.db
      .prepare(`UPDATE sessions SET target_pid = ?, target_node_version = ?, target_title = ? WHERE id = ?`)
      .run(target.pid, target.nodeVersion, target.title, id);
  }

  /** Sets what a session holds and its sampling interval once known (an import learns them as it reads). */
  describe(id: string, signals: SignalName[], intervalUs: number): void {
    this.db.prepare(`UPDATE sessions SET signals = ?, interval_us = ? WHERE id = ?`).run(JSON.stringify(signals), intervalUs, id);
  }

  finish(id: string, status: SessionStatus, endedUs: number, detail: string | null): void {
    this.db
      .prepare(`UPDATE sessions SET status = ?, ended_us = ?, status_detail = ?, recorder_pid = NULL WHERE id = ?`)
      .run(status, endedUs, detail, id);
  }

  list(): SessionInfo[] {
    const rows = this.db.prepare(`SELECT * FROM sessions ORDER BY started_us DESC`).all() as SessionRow[];
    return rows.map((row) => this.toSessionInfo(row));
  }

  /** Records a fact for people (an endpoint to use, categories offered); replaces the old value. */
  setNote(id: string, key: string, value: string): void {
    this.db.prepare(`INSERT OR REPLACE INTO session_notes (session_id, key, value) VALUES (?, ?, ?)`).run(id, key, value);
  }

  notes(id: string): Record<string, string> {
    const rows = this.db.prepare(`SELECT key, value FROM session_notes WHERE session_id = ? ORDER BY key`).all(id) as {
      key: string;
      value: string;
    }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  /** Finds a session by its id or an unambiguous prefix of it. */
  get(idOrPrefix: string): SessionInfo {
    const exact = this.db.prepare(`SELECT * FROM sessions WHERE id = ?`).get(idOrPrefix) as SessionRow | undefined;
    if (exact) return this.toSessionInfo(exact);
    const escaped = idOrPrefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = this.db
      .prepare(`SELECT * FROM sessions WHERE id LIKE ? ESCAPE '\\' LIMIT 2`)
      .all(`${escaped}%`) as SessionRow[];
    if (rows.length === 1) return this.toSessionInfo(rows[0]!);
    if (rows.length > 1) throw new ParallaxError('bad-request', `Session id "${idOrPrefix}" is ambiguous; give more of it`);
    throw new ParallaxError('not-found', `No session "${idOrPrefix}" in this store`);
  }

  delete(id: string): void {
    this.db.prepare(`DELETE FROM sessions WHERE id = ?`).run(id);
  }

  /**
   * Recordings whose recorder process is gone were cut short by a crash: mark them interrupted,
   * ending them at their last stored data. They stay readable.
   */
  markOrphansInterrupted(isAlive: (pid: number) => boolean): number {
    const open = this.db
      .prepare(`SELECT id, recorder_pid FROM sessions WHERE status = 'recording'`)
      .all() as { id: string; recorder_pid: number | null }[];
    let marked = 0;
    for (const row of open) {
      if (row.recorder_pid !== null && row.recorder_pid !== process.pid && isAlive(row.recorder_pid)) continue;
      const last = this.db
        .prepare(
          `SELECT MAX(t) AS t FROM (
             SELECT MAX(end_us) AS t FROM cpu_chunks WHERE session_id = @id
             UNION ALL SELECT MAX(ts_us) FROM logs WHERE session_id = @id
             UNION ALL SELECT MAX(p.ts_us) FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.session_id = @id
             UNION ALL SELECT started_us FROM sessions WHERE id = @id)`,
        )
        .get({ id: row.id }) as { t: number };
      this.finish(row.id, 'interrupted', last.t, 'The recorder stopped without saving (it crashed or was killed); the data stored before that is kept.');
      marked++;
    }
    return marked;
  }

  private toSessionInfo(row: SessionRow): SessionInfo {
    return { ...toSessionInfo(row), notes: this.notes(row.id) };
  }
}

function toSessionInfo(row: SessionRow): Omit<SessionInfo, 'notes'> {
  return {
    id: row.id,
    name: row.name,
    startedAt: row.started_us,
    endedAt: row.ended_us,
    status: row.status as SessionStatus,
    statusDetail: row.status_detail,
    target: {
      pid: row.target_pid,
      nodeVersion: row.target_node_version,
      title: row.target_title,
      attachedVia: row.attached_via,
    },
    signals: JSON.parse(row.signals) as SignalName[],
    intervalUs: row.interval_us,
  };
}
