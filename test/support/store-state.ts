// Everything a refused import must leave as it was: the row count of every table, the session
// list, and the files beside the store (snapshots, no staging leftovers).
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Engine } from '../../src/main/engine/engine';

export interface StoreState {
  rows: Record<string, number>;
  sessions: string[];
  files: string[];
}

export async function storeState(engine: Engine): Promise<StoreState> {
  const db = engine.store.db;
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
  const rows: Record<string, number> = {};
  for (const table of tables) rows[table] = (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
  const sessions = (await engine.listSessions()).map((s) => JSON.stringify(s));
  return { rows, sessions, files: listFiles(dirname(engine.store.path)) };
}

function listFiles(folder: string): string[] {
  const found: string[] = [];
  for (const queue = [folder]; queue.length > 0; ) {
    const at = queue.pop()!;
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) queue.push(path);
      // The WAL and shared-memory files change size with reads and checkpoints: not content.
      else if (!/-(wal|shm)$/.test(name)) found.push(path.slice(folder.length));
    }
  }
  return found.sort();
}
