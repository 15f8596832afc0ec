// Splits a byte stream into lines: chunks may end mid-line or mid-character, and a line longer
// than the cap is cut at a character boundary with a marker that says how much was dropped.

export const MAX_LINE_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/** Receives each complete line without its line ending; `droppedBytes` > 0 when it was cut. */
export type LineListener = (line: string, droppedBytes: number) => void;

export class LineSplitter {
  private parts: Buffer[] = [];
  private keptBytes = 0;
  private droppedBytes = 0;

  constructor(
    private readonly onLine: LineListener,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  /** Splits at newline bytes: 0x0a never occurs inside a multi-byte UTF-8 character. */
  write(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      if (newline !== -1 && this.parts.length === 0 && this.droppedBytes === 0 && end - start <= this.maxLineBytes) {
        // The common case: a whole line inside one chunk, decoded without a copy.
        this.emitBytes(chunk.subarray(start, end), 0);
      } else {
        this.keep(chunk, start, end);
        if (newline === -1) return;
        this.emit();
      }
      start = newline + 1;
    }
  }

  /** Passes on the last line even if the stream ended without a newline. */
  end(): void {
    if (this.keptBytes > 0 || this.droppedBytes > 0) this.emit();
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    const room = this.maxLineBytes - this.keptBytes;
    const take = Math.min(room, end - start);
    if (take > 0) {
      // A copy: a slice would pin the whole chunk for as long as the line is pending.
      this.parts.push(Buffer.from(chunk.subarray(start, start + take)));
      this.keptBytes += take;
    }
    this.droppedBytes += end - start - Math.max(take, 0);
  }

  private emit(): void {
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.keptBytes);
    const dropped = this.droppedBytes;
    this.parts = [];
    this.keptBytes = 0;
    this.droppedBytes = 0;
    this.emitBytes(bytes, dropped);
  }

  private emitBytes(bytes: Buffer, dropped: number): void {
    if (dropped > 0) {
      const boundary = characterBoundary(bytes);
      dropped += bytes.length - boundary;
      bytes = bytes.subarray(0, boundary);
    }
    let line = bytes.toString('utf8');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.onLine(line, dropped);
  }
}

/** The length of `bytes` without a trailing, incomplete UTF-8 sequence. */
export function characterBoundary(bytes: Buffer): number {
  let i = bytes.length - 1;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the last character.
  let continuation = 0;
  while (i >= 0 && (bytes[i]! & 0xc0) === 0x80 && continuation < 3) {
    i--;
    continuation++;
  }
  if (i < 0) return bytes.length;
  const lead = bytes[i]!;
  const needed = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return needed > continuation ? i : bytes.length;
}
