// Reads a .parallax bundle into the store under a new session id. Everything is checked first
// (signature, version, footer, whole-file checksum, manifest, bounded decompression, content
// checksum, every row); only then is it written, in one transaction. Heap snapshot files are
// streamed to a staging folder beside the store and moved into place after the commit.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { brotliDecompressSync, createBrotliDecompress } from 'node:zlib';
import { ParallaxError, messageOf } from '../../../shared/errors';
import { snapshotFolder } from '../capture/heap';
import { SCHEMA_VERSION } from '../store/schema';
import type { Store } from '../store/store';
import { type TableBlock, decodeBlock } from './columns';
import { CHECKSUM_BYTES, FOOTER_BYTES, HEADER_BYTES, readFooter, readHeader } from './container';
import { BundleContentError } from './errors';
import { type Frame, FrameType, readFrames } from './frames';
import { type BundleManifest, parseManifest } from './manifest';
import { upgradeBlocks } from './schema-upgrades';
import { validateBundle } from './validate';
import { writeTables } from './write';

/** Table data is held in memory until written: at most this much of it, decompressed. */
export const MAX_TABLE_BYTES = 1024 * 1024 * 1024;
/** Heap snapshot files inside one bundle, in total. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024 * 1024;
/** Decompressed size over compressed size beyond which a payload is treated as a bomb. */
export const MAX_COMPRESSION_RATIO = 1000;

const INFLATES_BEYOND = 'its content inflates beyond the size its manifest declares (a decompression bomb?)';

export interface BundleImportResult {
  sessionId: string;
  manifest: BundleManifest;
}

export interface BundleImportOptions {
  /** Bundles up to this size are read whole (default 32 MiB); larger ones stream from disk. */
  inMemoryBytes?: number;
}

/** Imports `file` into `store`; on any refusal throws one ParallaxError and changes nothing. */
export async function importBundle(store: Store, file: string, options: BundleImportOptions = {}): Promise<BundleImportResult> {
  const staging = join(`${store.path}.snapshots`, `.import-${randomUUID()}`);
  try {
    return await importChecked(store, file, staging, options.inMemoryBytes ?? IN_MEMORY_BYTES);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (error instanceof BundleContentError) throw new ParallaxError('bad-request', `${basename(file)} cannot be opened: ${error.message}`);
    if (error instanceof ParallaxError) throw error;
    throw new ParallaxError('bad-request', `${basename(file)} cannot be opened: ${messageOf(error)}`);
  }
}

/** Random access to the bundle's bytes: whole in memory when small, else read from disk as needed. */
interface BundleSource {
  size: number;
  readAt(position: number, length: number): Promise<Buffer>;
  sha256(start: number, length: number): Promise<Buffer>;
  /** The decompressed payload in chunks; never more than `limit` bytes plus one chunk. */
  inflate(start: number, length: number, limit: number): AsyncIterable<Buffer>;
  close(): Promise<void>;
}

/** Bundles up to this size are read in one go and inflated synchronously under a hard output cap. */
const IN_MEMORY_BYTES = 32 * 1024 * 1024;

async function openSource(file: string, inMemoryBytes: number): Promise<BundleSource> {
  const size = (await stat(file)).size;
  if (size <= inMemoryBytes) {
    const bytes = await readFile(file);
    return {
      size: bytes.length,
      readAt: async (position, length) => bytes.subarray(position, position + length),
      sha256: async (start, length) => createHash('sha256').update(bytes.subarray(start, start + length)).digest(),
      inflate: (start, length, limit) => inflateInMemory(bytes.subarray(start, start + length), limit),
      close: async () => undefined,
    };
  }
  const handle = await open(file, 'r');
  return {
    size,
    readAt: (position, length) => readAt(handle, position, length),
    sha256: (start, length) => sha256Of(file, start, length),
    inflate: (start, length) => inflateFromFile(file, start, length),
    close: () => handle.close(),
  };
}

/**
 * Content up to this size is inflated in one synchronous call, capped at the declared size. Larger
 * content inflates on a libuv thread in large chunks while this thread checks and decodes the ones
 * before (the reader caps the total there).
 */
const SYNC_INFLATE_BYTES = 4 * 1024 * 1024;
const INFLATE_CHUNK_BYTES = 1024 * 1024;

async function* inflateInMemory(compressed: Buffer, limit: number): AsyncGenerator<Buffer> {
  if (limit > SYNC_INFLATE_BYTES) {
    yield* createBrotliDecompress({ chunkSize: INFLATE_CHUNK_BYTES }).end(compressed) as AsyncIterable<Buffer>;
    return;
  }
  try {
    yield brotliDecompressSync(compressed, { maxOutputLength: Math.max(1, limit) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BundleContentError(INFLATES_BEYOND);
    throw error;
  }
}

function inflateFromFile(file: string, start: number, length: number): AsyncIterable<Buffer> {
  const source = createReadStream(file, { start, end: start + length - 1 });
  const inflate = createBrotliDecompress();
  source.on('error', (error) => inflate.destroy(error));
  inflate.on('close', () => source.destroy());
  return source.pipe(inflate);
}

async function importChecked(store: Store, file: string, staging: string, inMemoryBytes: number): Promise<BundleImportResult> {
  const source = await openSource(file, inMemoryBytes);
  const size = source.size;
  let manifest: BundleManifest;
  let payload: { start: number; bytes: number };
  try {
    const header = await source.readAt(0, Math.min(HEADER_BYTES, size));
    const formatVersion = readHeader(header);
    if (size < HEADER_BYTES + FOOTER_BYTES) throw new BundleContentError('it is truncated (shorter than a bundle can be)');
    const layout = readFooter(await source.readAt(size - FOOTER_BYTES, FOOTER_BYTES), size);
    const digest = await source.sha256(0, size - CHECKSUM_BYTES);
    if (!digest.equals(layout.checksum)) throw new BundleContentError('it is damaged (its checksum does not match: the file was cut short, corrupted or changed)');
    manifest = parseManifest(await source.readAt(layout.manifestStart, layout.manifestBytes));
    if (manifest.formatVersion !== formatVersion) throw new BundleContentError('its manifest and header disagree on the format version');
    if (manifest.schemaVersion > SCHEMA_VERSION) {
      throw new BundleContentError(`it was made by a newer Parallax (store schema ${manifest.schemaVersion}; this version reads up to ${SCHEMA_VERSION}). Update Parallax to open it.`);
    }
    const fileBytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
    if (fileBytes > MAX_FILE_BYTES) throw new BundleContentError(`its heap snapshots total ${fileBytes} bytes, over the limit of ${MAX_FILE_BYTES}`);
    if (manifest.content.bytes > MAX_TABLE_BYTES + fileBytes + manifest.files.length * 1024 + 1024 * 1024) {
      throw new BundleContentError(`it declares ${manifest.content.bytes} bytes of content, over the limit`);
    }
    if (manifest.content.bytes > Math.max(layout.payloadBytes, 1024) * MAX_COMPRESSION_RATIO) {
      throw new BundleContentError('it would inflate far beyond its size (a decompression bomb?)');
    }
    payload = { start: layout.payloadStart, bytes: layout.payloadBytes };
    const { blocks, fileIds } = await readPayload(source.inflate(payload.start, payload.bytes, manifest.content.bytes), manifest, staging);
    return await commit(store, manifest, blocks, fileIds, staging);
  } finally {
    await source.close();
  }
}

async function commit(store: Store, manifest: BundleManifest, blocks: TableBlock[], fileIds: number[], staging: string): Promise<BundleImportResult> {
  const tables = validateBundle(store.db, manifest, upgradeBlocks(manifest.schemaVersion, blocks), fileIds);
  const sessionId = randomUUID();
  writeTables(store, tables, sessionId);
  if (fileIds.length > 0) {
    const folder = snapshotFolder(store.path, sessionId);
    try {
      await rename(staging, folder);
    } catch (error) {
      store.sessions.delete(sessionId);
      throw new ParallaxError('internal', `Could not move the imported heap snapshots into place: ${messageOf(error)}`);
    }
  }
  return { sessionId, manifest };
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

async function sha256Of(file: string, start: number, length: number): Promise<Buffer> {
  const hash = createHash('sha256');
  if (length > 0) for await (const chunk of createReadStream(file, { start, end: start + length - 1 })) hash.update(chunk as Buffer);
  return hash.digest();
}

/** Inflates the payload with hard limits, checks its checksum, decodes table blocks, stages files. */
async function readPayload(inflate: AsyncIterable<Buffer>, manifest: BundleManifest, staging: string): Promise<{ blocks: TableBlock[]; fileIds: number[] }> {
  const hash = createHash('sha256');
  let inflated = 0;
  async function* checked(): AsyncGenerator<Buffer> {
    for await (const chunk of inflate) {
      inflated += chunk.length;
      if (inflated > manifest.content.bytes) throw new BundleContentError(INFLATES_BEYOND);
      hash.update(chunk);
      yield chunk;
    }
  }
  const blocks: TableBlock[] = [];
  const fileIds: number[] = [];
  let tableBytes = 0;
  let ended = false;
  let open: { id: number; handle: FileHandle; hash: ReturnType<typeof createHash>; bytes: number; limit: number } | null = null;
  try {
    for await (const frame of readFrames(checked()) as AsyncIterable<Frame>) {
      if (ended) throw new BundleContentError('its content continues after its end mark');
      switch (frame.type) {
        case FrameType.End:
          if (open) throw new BundleContentError('its content ends inside a file');
          ended = true;
          break;
        case FrameType.Table:
          if (open || fileIds.length > 0) throw new BundleContentError('its content has a table after the files');
          tableBytes += frame.body.length;
          if (tableBytes > MAX_TABLE_BYTES) throw new BundleContentError(`its tables exceed ${MAX_TABLE_BYTES} bytes`);
          blocks.push(decodeBlock(frame.body));
          break;
        case FrameType.FileBegin: {
          if (open) throw new BundleContentError('its content starts a file inside another');
          const entry = manifest.files[fileIds.length];
          if (frame.body.length < 9 || !entry) throw new BundleContentError('its content holds a file the manifest does not list');
          const id = Number(frame.body.readBigUInt64LE(0));
          const name = frame.body.subarray(8).toString('utf8');
          if (id !== entry.snapshotId || name !== entry.name || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(name)) {
            throw new BundleContentError('its content holds a file other than the manifest lists');
          }
          await mkdir(staging, { recursive: true });
          open = { id, handle: await fsOpenNew(join(staging, name)), hash: createHash('sha256'), bytes: 0, limit: entry.bytes };
          fileIds.push(id);
          break;
        }
        case FrameType.FileData:
          if (!open) throw new BundleContentError('its content holds file data outside a file');
          open.bytes += frame.body.length;
          if (open.bytes > open.limit) throw new BundleContentError('a file in it is larger than the manifest says');
          open.hash.update(frame.body);
          await open.handle.write(frame.body);
          break;
        case FrameType.FileEnd: {
          if (!open || frame.body.length !== 40) throw new BundleContentError('its content ends a file that was not started');
          const entry = manifest.files[fileIds.length - 1]!;
          const digest = open.hash.digest('hex');
          await open.handle.close();
          const bytes = open.bytes;
          open = null;
          if (bytes !== entry.bytes || Number(frame.body.readBigUInt64LE(0)) !== bytes || digest !== entry.sha256 || frame.body.subarray(8).toString('hex') !== digest) {
            throw new BundleContentError('a heap snapshot file in it does not match its checksum');
          }
          break;
        }
      }
    }
  } catch (error) {
    if (error instanceof BundleContentError) throw error;
    throw new BundleContentError(`its compressed content is damaged (${messageOf(error)})`);
  } finally {
    await open?.handle.close().catch(() => undefined);
  }
  if (!ended) throw new BundleContentError('its content stops before its end mark');
  if (inflated !== manifest.content.bytes || hash.digest('hex') !== manifest.content.sha256) {
    throw new BundleContentError('its content does not match the checksum in its manifest (it was changed after export)');
  }
  return { blocks, fileIds };
}

function fsOpenNew(path: string): Promise<FileHandle> {
  return open(path, 'wx');
}
