// Opens the SQLite store: WAL, migrations, refusal of files from a newer Parallax.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ParallaxError, messageOf } from '../../../shared/errors';
import { SCHEMA_VERSION, migrations } from './schema';

export type Db = Database.Database;

/**
 * Opens (creating if needed) and migrates a store file. Under Electron the native module must be
 * built for Electron's ABI; PARALLAX_SQLITE_BINDING points at that build when it exists.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    const nativeBinding = process.env.PARALLAX_SQLITE_BINDING;
    db = new Database(path, nativeBinding ? { nativeBinding } : {});
  } catch (error) {
    throw new ParallaxError('internal', `Cannot open the store ${path}: ${messageOf(error)}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Db, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new ParallaxError(
      'store-version',
      `The store ${path} was written by a newer Parallax (schema ${version}); this version reads up to schema ${SCHEMA_VERSION}.`,
    );
  }
  if (version === SCHEMA_VERSION) return;
  db.pragma('foreign_keys = OFF');
  try {
    for (let next = version; next < SCHEMA_VERSION; next++) {
      db.transaction(() => {
        db.exec(migrations[next]!);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new ParallaxError('internal', `Migrating ${path} to schema ${next + 1} broke ${broken.length} references`);
        db.pragma(`user_version = ${next + 1}`);
      })();
    }
  } finally {
    db.pragma('foreign_keys = ON');
  }
}
