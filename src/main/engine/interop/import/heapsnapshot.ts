// .heapsnapshot (v8.writeHeapSnapshot, DevTools, --heapsnapshot-signal): copied chunk by chunk
// into the snapshots folder beside the store while the streaming summariser reads the same
// chunks; the session holds the snapshot and its per-constructor summary. importForeignFile
// removes the copy if anything fails.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ParallaxError } from '../../../../shared/errors';
import { HeapSnapshotSummariser, snapshotFolder } from '../../capture/heap';
import type { Store } from '../../store/store';
import { MAIN_THREAD_ID } from '../../store/threads';
import type { ImportSession } from './import-session';
import { refuse } from './refusal';

const SNAPSHOT_REFUSAL = 'This is not a usable V8 heap snapshot: ';

export async function importHeapSnapshot(session: ImportSession, main: Store): Promise<{ intervalUs: number }> {
  const folder = snapshotFolder(main.path, session.sessionId);
  const capturedUs = session.input.modifiedUs;
  const file = join(folder, `${capturedUs}-imported.heapsnapshot`);
  mkdirSync(folder, { recursive: true });
  const summariser = new HeapSnapshotSummariser();
  let sizeBytes = 0;
  const fd = openSync(file, 'w');
  try {
    await session.eachChunk((chunk) => {
      summariser.write(chunk);
      for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
      sizeBytes += chunk.length;
    });
  } catch (error) {
    throw asSnapshotRefusal(error);
  } finally {
    closeSync(fd);
  }
  let summary;
  try {
    summary = summariser.end();
  } catch (error) {
    throw asSnapshotRefusal(error);
  }
  const store = session.store;
  const id = store.heap.createSnapshot(session.sessionId, MAIN_THREAD_ID, capturedUs, file);
  store.heap.setSnapshotClasses(id, summary.classes);
  store.heap.finishSnapshot(id, 'complete', capturedUs, sizeBytes, `Imported from ${session.input.name}: ${summary.nodeCount.toLocaleString('en-US')} objects`);
  session.see(capturedUs);
  session.thread(MAIN_THREAD_ID, 'main');
  session.signals.add('heap');
  session.note('import.clock', `A heap snapshot carries no time: it is placed at the file's modification time (${new Date(capturedUs / 1000).toISOString()}).`);
  return { intervalUs: 1000 };
}

/** The summariser words its refusals for snapshots taken live; an import words them for its file. */
function asSnapshotRefusal(error: unknown): unknown {
  if (error instanceof ParallaxError && error.message.startsWith(SNAPSHOT_REFUSAL)) {
    refuse(`not a usable V8 heap snapshot: ${error.message.slice(SNAPSHOT_REFUSAL.length)}`);
  }
  return error;
}
