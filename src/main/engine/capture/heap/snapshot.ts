// Takes a heap snapshot of one thread: chunks are written to a file beside the store as they
// arrive (never joined: a snapshot can outgrow V8's longest string), then summarised by constructor.
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { HeapSnapshotInfo } from '../../../../shared/domain';
import { ParallaxError, messageOf } from '../../../../shared/errors';
import type { InspectorSession } from '../../inspector/connection';
import type { Store } from '../../store/store';
import { summariseHeapSnapshotFile } from './snapshot-summary';

/** The folder that holds a session's snapshot files: beside the store, named after it. */
export function snapshotFolder(storePath: string, sessionId: string): string {
  return join(`${storePath}.snapshots`, sessionId);
}

/**
 * Streams a snapshot of the session's thread into `file`; resolves with its size once V8 has sent
 * the last chunk. The target is frozen for the whole call (seconds on a large heap).
 */
export async function writeHeapSnapshot(session: InspectorSession, file: string): Promise<{ sizeBytes: number }> {
  const fd = openSync(file, 'w');
  let sizeBytes = 0;
  let writeError: unknown = null;
  // Written synchronously, one chunk at a time, so Parallax holds at most one chunk (~0.1–1 MB)
  // however far the disk lags the socket.
  const stopListening = session.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => {
    if (writeError) return;
    try {
      const bytes = Buffer.from(chunk, 'utf8');
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
      sizeBytes += bytes.length;
    } catch (error) {
      writeError = error;
    }
  });
  try {
    // V8 sends every chunk before it answers the command.
    await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    stopListening();
    closeSync(fd);
  }
  if (writeError) throw new ParallaxError('internal', `Could not write the heap snapshot to ${file}: ${messageOf(writeError)}`);
  return { sizeBytes };
}

export interface SnapshotTarget {
  store: Store;
  sessionId: string;
  threadId: number;
  session: InspectorSession;
}

/**
 * Takes a snapshot, records it (start and end, so the timeline can show the freeze) and stores its
 * per-constructor summary. Throws ParallaxError when the snapshot cannot be taken; the row then
 * says why and the partial file is removed.
 */
export async function takeRecordedHeapSnapshot(target: SnapshotTarget): Promise<HeapSnapshotInfo> {
  const { store, sessionId, threadId, session } = target;
  const folder = snapshotFolder(store.path, sessionId);
  mkdirSync(folder, { recursive: true });
  const startedUs = Date.now() * 1000;
  // Named by its start time: the row id is not known before the row exists.
  const file = join(folder, `${startedUs}-thread-${threadId}.heapsnapshot`);
  const id = store.heap.createSnapshot(sessionId, threadId, startedUs, file);
  let sizeBytes = 0;
  try {
    sizeBytes = (await writeHeapSnapshot(session, file)).sizeBytes;
  } catch (error) {
    const detail = `The heap snapshot failed: ${messageOf(error)}`;
    store.heap.finishSnapshot(id, 'failed', Date.now() * 1000, sizeBytes, detail);
    rmSync(file, { force: true });
    throw new ParallaxError(error instanceof ParallaxError ? error.code : 'attach-failed', detail);
  }
  const endedUs = Date.now() * 1000;
  let detail: string | null = null;
  try {
    const summary = await summariseHeapSnapshotFile(file);
    store.heap.setSnapshotClasses(id, summary.classes);
  } catch (error) {
    // The file is still worth keeping (DevTools can open it); only the summary is missing.
    detail = `Could not summarise the snapshot: ${messageOf(error)}`;
  }
  store.heap.finishSnapshot(id, 'complete', endedUs, sizeBytes, detail);
  const info = store.heap.snapshots(sessionId).find((s) => s.id === id);
  if (!info) throw new ParallaxError('internal', `Heap snapshot ${id} vanished from the store`);
  const { file: _file, ...rest } = info;
  return rest;
}
