// The store: one SQLite file and the tables of every signal.
import type { Db } from './database';
import { openDatabase } from './database';
import { CpuSampleTable } from './cpu-samples';
import { HeapTable } from './heap';
import { LogTable } from './logs';
import { MetricTable } from './metrics';
import { SessionDigests } from './session-digests';
import { SessionTable } from './sessions';
import { SourceMapTable } from './source-maps';
import { SpanTable } from './spans';
import { ThreadTable } from './threads';
import { TraceEventTable } from './trace-events';

export class Store {
  readonly sessions: SessionTable;
  readonly cpu: CpuSampleTable;
  readonly logs: LogTable;
  readonly metrics: MetricTable;
  readonly threads: ThreadTable;
  readonly spans: SpanTable;
  readonly traceEvents: TraceEventTable;
  readonly heap: HeapTable;
  readonly sourceMaps: SourceMapTable;
  readonly digests: SessionDigests;

  private constructor(readonly db: Db, readonly path: string) {
    this.sessions = new SessionTable(db);
    this.cpu = new CpuSampleTable(db);
    this.logs = new LogTable(db);
    this.metrics = new MetricTable(db);
    this.threads = new ThreadTable(db);
    this.spans = new SpanTable(db);
    this.traceEvents = new TraceEventTable(db);
    this.heap = new HeapTable(db);
    this.sourceMaps = new SourceMapTable(db);
    this.digests = new SessionDigests(db);
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
