// The payload inside the compression: a flat sequence of frames (type byte, u32 length, body), so
// reading it never recurses and every body's size is checked before it is buffered.
import { BundleContentError } from './errors';

export const enum FrameType {
  End = 0,
  Table = 1,
  FileBegin = 2,
  FileData = 3,
  FileEnd = 4,
}

export const FRAME_HEADER_BYTES = 5;
/** Largest frame body: a table block or a file chunk. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
/** Heap snapshot files travel in chunks of this size. */
export const FILE_CHUNK_BYTES = 1024 * 1024;

export function frame(type: FrameType, body: Uint8Array): Buffer {
  const head = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  head[0] = type;
  head.writeUInt32LE(body.length, 1);
  return Buffer.concat([head, body]);
}

export interface Frame {
  type: FrameType;
  body: Buffer;
}

/** Splits a stream of decompressed chunks into frames; refuses unknown types and oversized bodies. */
export async function* readFrames(chunks: AsyncIterable<Buffer>): AsyncGenerator<Frame> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (n: number): Buffer => {
    const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    const taken = all.subarray(0, n);
    const rest = all.subarray(n);
    pending = rest.length > 0 ? [rest] : [];
    pendingBytes = rest.length;
    return taken;
  };
  let header: { type: FrameType; length: number } | null = null;
  for await (const chunk of chunks) {
    pending.push(chunk);
    pendingBytes += chunk.length;
    for (;;) {
      if (!header) {
        if (pendingBytes < FRAME_HEADER_BYTES) break;
        const head = take(FRAME_HEADER_BYTES);
        const type = head[0]!;
        const length = head.readUInt32LE(1);
        if (type > FrameType.FileEnd) throw new BundleContentError(`its content has an unknown section type ${type}`);
        if (length > MAX_FRAME_BYTES) throw new BundleContentError(`its content declares a section of ${length} bytes, over the limit of ${MAX_FRAME_BYTES}`);
        header = { type, length };
      }
      if (pendingBytes < header.length) break;
      const body = Buffer.from(take(header.length));
      const type = header.type;
      header = null;
      yield { type, body };
    }
  }
  if (header || pendingBytes > 0) throw new BundleContentError('its content ends in the middle of a section');
}
