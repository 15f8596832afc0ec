// One import in progress: the session it becomes, written through the store's own tables and the
// SessionWriter into a staging store, in bounded batches; committed whole or not at all.
import { randomUUID } from 'node:crypto';
import type { SessionCounts, SignalName } from '../../../../shared/domain';
import { SessionWriter } from '../../store/session-writer';
import type { Store } from '../../store/store';
import type { ImportInput } from './input';
import { StagingStore } from './staging';
import { FORMAT_NAMES, type ForeignFormat } from './sniff';

/** Rows queued before they are written to the staging store (bounds memory on a huge file). */
const BATCH_ROWS = 20_000;

export class ImportSession {
  readonly sessionId = randomUUID();
  readonly staging: StagingStore;
  readonly writer: SessionWriter;
  readonly signals = new Set<SignalName>();
  private readonly notes = new Map<string, string>();
  private readonly skipped = new Map<string, number>();
  private readonly threadNames = new Map<number, string>();
  private writeError: unknown = null;
  private queuedAtLastFlush = 0;
  private firstUs = Infinity;
  private lastUs = -Infinity;

  constructor(
    private readonly main: Store,
    readonly input: ImportInput,
    readonly format: ForeignFormat,
    private readonly onProgress: () => void = () => undefined,
  ) {
    this.staging = StagingStore.open(main, this.sessionId);
    this.store.sessions.create({
      id: this.sessionId,
      name: input.name,
      startedUs: input.modifiedUs,
      target: this.target(),
      signals: [],
      intervalUs: 1000,
    });
    this.writer = new SessionWriter(this.store, this.sessionId, (error) => (this.writeError ??= error));
  }

  /** The staging store: write rows through its tables (inside writer.enqueue) or the writer. */
  get store(): Store {
    return this.staging.store;
  }

  /** Calls `use` with each chunk of the (inflated) file, reporting progress after each. */
  async eachChunk(use: (chunk: Buffer) => void): Promise<void> {
    for await (const chunk of this.input.chunks()) {
      use(chunk);
      this.onProgress();
    }
  }

  /** Extends the session's time range to cover `timeUs` (epoch µs). */
  see(timeUs: number): void {
    if (timeUs < this.firstUs) this.firstUs = timeUs;
    if (timeUs > this.lastUs) this.lastUs = timeUs;
  }

  thread(id: number, name: string): void {
    if (!this.threadNames.has(id) || name) this.threadNames.set(id, name || this.threadNames.get(id) || `thread ${id}`);
  }

  note(key: string, value: string): void {
    this.notes.set(key, value);
  }

  /** Counts something the file held that could not be kept, by reason (shown in the session's notes). */
  skip(reason: string, n = 1): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + n);
  }

  /** Writes queued rows once a batch has built up; call after queueing. */
  pace(): void {
    if (this.writeError) throw this.writeError;
    const queued = totalOf(this.writer.counts);
    if (queued - this.queuedAtLastFlush < BATCH_ROWS) return;
    this.queuedAtLastFlush = queued;
    this.writer.flush();
  }

  /**
   * Finishes the session (range, threads, notes) and copies it into the real store (in short
   * transactions; it appears whole in the last). `intervalUs` is the sampling interval CPU time is weighed by.
   */
  async commit(intervalUs = 1000): Promise<void> {
    this.writer.close();
    if (this.writeError) throw this.writeError;
    const store = this.store;
    const startedUs = Number.isFinite(this.firstUs) ? this.firstUs : this.input.modifiedUs;
    const endedUs = Number.isFinite(this.lastUs) ? this.lastUs : startedUs;
    store.transaction(() => {
      for (const [id, name] of this.threadNames) store.threads.upsert(this.sessionId, { id, name }, startedUs);
      store.sessions.start(this.sessionId, this.input.name, startedUs, this.target());
      store.sessions.describe(this.sessionId, [...this.signals], Math.max(1, Math.round(intervalUs)));
      store.sessions.setNote(this.sessionId, 'import.format', FORMAT_NAMES[this.format]);
      store.sessions.setNote(this.sessionId, 'import.file', this.input.path);
      for (const [key, value] of this.notes) store.sessions.setNote(this.sessionId, key, value);
      if (this.skipped.size > 0) {
        const lines = [...this.skipped].map(([reason, n]) => `${n.toLocaleString('en-US')} ${reason}`);
        store.sessions.setNote(this.sessionId, 'import.skipped', lines.join('\n'));
      }
      store.sessions.finish(this.sessionId, 'completed', Math.round(endedUs), `Imported from ${this.input.name}`);
    });
    await this.staging.commitInto(this.main, this.sessionId);
  }

  /** Ends the staging store: after commit, or instead of it when the import failed. */
  async dispose(): Promise<void> {
    try {
      this.writer.close();
    } catch {
      // The staging store is thrown away: what it could not write does not matter.
    }
    await this.staging.discard();
  }

  private target(): { pid: null; nodeVersion: null; title: string; attachedVia: string } {
    const gz = this.input.compressed ? ', gzipped' : '';
    return { pid: null, nodeVersion: null, title: `${FORMAT_NAMES[this.format]}${gz}`, attachedVia: `import ${this.input.path}` };
  }
}

function totalOf(counts: SessionCounts): number {
  let n = 0;
  for (const value of Object.values(counts)) n += value;
  return n;
}
