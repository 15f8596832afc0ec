// Threads of a session: the main thread (0) and each worker, by its NodeWorker workerId.
import type { ThreadInfo } from '../../../shared/domain';
import type { Db } from './database';

export const MAIN_THREAD_ID = 0;

export class ThreadTable {
  constructor(private readonly db: Db) {}

  /** Call inside a transaction; a thread seen again keeps its first start. */
  upsert(sessionId: string, thread: ThreadInfo, startedUs: number): void {
    this.db
      .prepare(
        `INSERT INTO threads (session_id, id, name, started_us) VALUES (?, ?, ?, ?)
         ON CONFLICT (session_id, id) DO UPDATE SET name = excluded.name`,
      )
      .run(sessionId, thread.id, thread.name, Math.round(startedUs));
  }

  end(sessionId: string, threadId: number, endedUs: number): void {
    this.db.prepare(`UPDATE threads SET ended_us = ? WHERE session_id = ? AND id = ?`).run(Math.round(endedUs), sessionId, threadId);
  }

  list(sessionId: string): ThreadInfo[] {
    return this.db.prepare(`SELECT id, name FROM threads WHERE session_id = ? ORDER BY id`).all(sessionId) as ThreadInfo[];
  }
}
