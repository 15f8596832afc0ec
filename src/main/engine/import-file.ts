// Opens a file someone hands Parallax: sniffs its first bytes and passes it to the importer of its
// format. Bundles are the one format so far; other importers (.cpuprofile, Chrome trace, pprof,
// OTLP) register here as entries of IMPORTERS.
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { ParallaxError, messageOf } from '../../shared/errors';
import { importBundle, startsWithBundleMagic } from './bundle';
import type { Store } from './store/store';

const SNIFF_BYTES = 64;

interface Importer {
  /** Name people know the format by, for messages. */
  label: string;
  recognises(head: Buffer, file: string): boolean;
  importFile(store: Store, file: string): Promise<{ sessionId: string }>;
}

const IMPORTERS: readonly Importer[] = [{ label: 'Parallax bundle (.parallax)', recognises: (head, file) => startsWithBundleMagic(head) || file.toLowerCase().endsWith('.parallax'), importFile: (store, file) => importBundle(store, file) }];

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
  const importer = IMPORTERS.find((i) => i.recognises(head, file));
  if (!importer) {
    throw new ParallaxError('bad-request', `${basename(file)} is not in a format Parallax can open; it opens: ${IMPORTERS.map((i) => i.label).join(', ')}`);
  }
  const { sessionId } = await importer.importFile(store, file);
  return { sessionId, format: importer.label };
}
