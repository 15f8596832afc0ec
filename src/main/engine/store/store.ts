// The store: one SQLite file and the tables of every signal.
import type { Db } from './database';
import { openDatabase } from './database';
import { CpuSampleTable } from './cpu-samples';
import { LogTable } from './logs';
import { MetricTable } from './metrics';
import { SessionTable } from './sessions';

export class Store {
  readonly sessions: SessionTable;
  readonly cpu: CpuSampleTable;
  readonly logs: LogTable;
  readonly metrics: MetricTable;

  private constructor(readonly db: Db, readonly path: string) {
    this.sessions = new SessionTable(db);
    this.cpu = new CpuSampleTable(db);
    this.logs = new LogTable(db);
    this.metrics = new MetricTable(db);
  }

  static open(path: string): Store {
    return new Store(openDatabase(path), path);
  }

  transaction(work: () => void): void {
    this.db.transaction(work)();
  }

  close(): void {
    this.db.close();
  }
}
