// A file written in pieces: text is buffered up to a bound and flushed, so an export of any size
// holds at most that much; it lands under its name only when complete (written beside, renamed).
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

const FLUSH_AT_CHARS = 1 << 20;

export class FileSink {
  private readonly partialPath: string;
  private readonly fd: number;
  private pending: string[] = [];
  private pendingChars = 0;
  private open = true;
  bytesWritten = 0;

  constructor(readonly path: string) {
    this.partialPath = `${path}.partial`;
    this.fd = openSync(this.partialPath, 'w');
  }

  write(text: string): void {
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= FLUSH_AT_CHARS) this.flush();
  }

  writeBytes(bytes: Uint8Array): void {
    this.flush();
    this.bytesWritten += writeSync(this.fd, bytes);
  }

  /** Flushes, closes, and moves the file to its name. */
  commit(): void {
    this.flush();
    this.open = false;
    closeSync(this.fd);
    renameSync(this.partialPath, this.path);
  }

  /** Closes and removes a file that was not committed; safe to call after commit. */
  discard(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
    rmSync(this.partialPath, { force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const buffer = Buffer.from(this.pending.join(''));
    this.pending = [];
    this.pendingChars = 0;
    let at = 0;
    while (at < buffer.length) at += writeSync(this.fd, buffer, at);
    this.bytesWritten += buffer.length;
  }
}

/** Runs `write` on a new sink and commits it; on any error the partial file is removed. */
export function writeFileInPieces(path: string, write: (sink: FileSink) => void): number {
  const sink = new FileSink(path);
  try {
    write(sink);
    sink.commit();
    return sink.bytesWritten;
  } finally {
    sink.discard();
  }
}
