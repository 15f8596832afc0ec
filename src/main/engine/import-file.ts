// Opens a file someone hands Parallax: a .parallax bundle goes to the bundle importer, anything
// else to the interop importers (.cpuprofile, .heapprofile, .heapsnapshot, Chrome trace, pprof,
// OTLP JSON), which sniff the content themselves and name what they found when they refuse.
import { open } from 'node:fs/promises';
import { ParallaxError, messageOf } from '../../shared/errors';
import { importBundle, startsWithBundleMagic } from './bundle';
import { FORMAT_NAMES, importForeignFile } from './interop/import';
import type { Store } from './store/store';

const SNIFF_BYTES = 64;

/** Imports `file` as a new session; refuses files of no known format with a message naming the known ones. */
export async function importSessionFile(store: Store, file: string): Promise<{ sessionId: string; format: string }> {
  let head: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new ParallaxError('not-found', `Cannot read ${file}: ${messageOf(error)}`);
  }
  if (startsWithBundleMagic(head) || file.toLowerCase().endsWith('.parallax')) {
    const { sessionId } = await importBundle(store, file);
    return { sessionId, format: 'Parallax bundle (.parallax)' };
  }
  const { sessionId, format } = await importForeignFile(store, file);
  return { sessionId, format: FORMAT_NAMES[format] };
}
