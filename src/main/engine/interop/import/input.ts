// The bytes of a file to import: read in chunks, gunzipped when it starts with the gzip magic,
// with the inflated size capped (a decompression bomb is refused early, never held).
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { formatCount, refuse } from './refusal';

const READ_CHUNK_BYTES = 1 << 20;
/** How much of the (inflated) start of a file the format sniffer sees. */
export const HEAD_BYTES = 256 << 10;
/** No file inflates beyond this. */
export const MAX_INFLATED_BYTES = 2 * 1024 ** 3;
/** Beyond this much output, gzip must not inflate more than MAX_RATIO times (bombs do ~1000x). */
const RATIO_CHECKED_AFTER_BYTES = 256 << 20;
const MAX_RATIO = 200;

export interface InputProgress {
  /** Bytes of the file (as stored, compressed or not) read so far. */
  readBytes: number;
  totalBytes: number;
}

export class ImportInput {
  /** File bytes read so far. */
  readBytes = 0;
  /** Inflated bytes produced so far (equal to readBytes when not compressed). */
  inflatedBytes = 0;
  private readonly source: AsyncIterator<Buffer>;
  private readonly buffered: Buffer[] = [];
  private streams: Readable[] = [];

  private constructor(
    readonly path: string,
    readonly name: string,
    readonly sizeBytes: number,
    readonly modifiedUs: number,
    readonly compressed: boolean,
  ) {
    this.source = this.read();
  }

  /** Opens a regular, non-empty file; refuses anything else. */
  static open(path: string): ImportInput {
    const name = basename(path);
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      refuse(code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(error)})`);
    }
    if (!stat.isFile()) refuse('not a regular file');
    if (stat.size === 0) refuse('the file is empty');
    const magic = Buffer.alloc(2);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, magic, 0, 2, 0);
    } finally {
      closeSync(fd);
    }
    const compressed = magic[0] === 0x1f && magic[1] === 0x8b;
    return new ImportInput(path, name, stat.size, Math.round(stat.mtimeMs * 1000), compressed);
  }

  /** The first HEAD_BYTES (or fewer, at the end) of the inflated content, for sniffing. */
  async head(): Promise<Buffer> {
    let have = this.buffered.reduce((n, b) => n + b.length, 0);
    while (have < HEAD_BYTES) {
      const next = await this.source.next();
      if (next.done) break;
      this.buffered.push(next.value);
      have += next.value.length;
    }
    const head = Buffer.concat(this.buffered);
    return head.subarray(0, HEAD_BYTES);
  }

  /** The whole inflated content in chunks, from the start. Call once. */
  async *chunks(): AsyncGenerator<Buffer> {
    while (this.buffered.length > 0) yield this.buffered.shift()!;
    for (;;) {
      const next = await this.source.next();
      if (next.done) return;
      yield next.value;
    }
  }

  /** The whole inflated content as one buffer, refused beyond `maxBytes` (for formats read whole). */
  async whole(maxBytes: number, why: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    let n = 0;
    for await (const chunk of this.chunks()) {
      n += chunk.length;
      if (n > maxBytes) refuse(`${this.compressed ? 'decompressed size' : 'size'} exceeds ${formatBytes(maxBytes)} (${why})`);
      parts.push(chunk);
    }
    return Buffer.concat(parts);
  }

  progress(): InputProgress {
    return { readBytes: this.readBytes, totalBytes: this.sizeBytes };
  }

  close(): void {
    for (const stream of this.streams) stream.destroy();
    this.streams = [];
  }

  private async *read(): AsyncGenerator<Buffer> {
    const file = createReadStream(this.path, { highWaterMark: READ_CHUNK_BYTES });
    this.streams.push(file);
    if (!this.compressed) {
      for await (const chunk of file) {
        this.readBytes += (chunk as Buffer).length;
        this.inflatedBytes += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      return;
    }
    // Piped: the file flows as data events, paced by the gunzip stream it is piped into.
    file.on('data', (chunk) => (this.readBytes += chunk.length));
    const gunzip = createGunzip({ chunkSize: 256 << 10 });
    this.streams.push(gunzip);
    file.on('error', (error) => gunzip.destroy(error));
    file.pipe(gunzip);
    try {
      for await (const chunk of gunzip) {
        this.inflatedBytes += (chunk as Buffer).length;
        this.checkInflation();
        yield chunk as Buffer;
      }
    } catch (error) {
      if (error instanceof Error && 'errno' in error && (error as NodeJS.ErrnoException).code?.startsWith('Z_')) {
        refuse(`the gzip data is truncated or corrupt (${error.message})`);
      }
      throw error;
    }
  }

  private checkInflation(): void {
    if (this.inflatedBytes > MAX_INFLATED_BYTES) refuse(`decompressed size exceeds ${formatBytes(MAX_INFLATED_BYTES)}`);
    if (this.inflatedBytes > RATIO_CHECKED_AFTER_BYTES && this.inflatedBytes > this.readBytes * MAX_RATIO) {
      refuse(
        `it inflates more than ${MAX_RATIO} times (${formatBytes(this.readBytes)} became over ${formatBytes(this.inflatedBytes)}): ` +
          'refused as a decompression bomb',
      );
    }
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${+(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${formatCount(n)} bytes`;
}
