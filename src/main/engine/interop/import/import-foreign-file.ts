// Opens a profile made elsewhere as a session: sniffs the format from the content, runs its
// importer into a staging store, and commits the session whole, or refuses the file with one
// message naming it and what is wrong, leaving the store and the snapshots folder as they were.
import { existsSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ParallaxError, messageOf } from '../../../../shared/errors';
import { snapshotFolder } from '../../capture/heap';
import type { Engine } from '../../engine';
import type { Store } from '../../store/store';
import { importChromeTrace } from './chrome-trace';
import { importCpuProfile } from './cpuprofile';
import { importHeapProfile } from './heapprofile';
import { importHeapSnapshot } from './heapsnapshot';
import { ImportSession } from './import-session';
import { ImportInput, type InputProgress } from './input';
import { importOtlpJson } from './otlp-json';
import { importPprof } from './pprof';
import { ImportRefusal } from './refusal';
import { type ForeignFormat, UndecidedHead, sniffFormat, sniffTopLevelKeys } from './sniff';

export interface ImportOptions {
  /** Called as the file is read (at most every chunk of ~1 MB). */
  onProgress?: (progress: InputProgress) => void;
}

export interface ImportResult {
  sessionId: string;
  format: ForeignFormat;
}

type Importer = (session: ImportSession, main: Store) => Promise<{ intervalUs: number }>;

const IMPORTERS: Record<ForeignFormat, Importer> = {
  cpuprofile: importCpuProfile,
  heapprofile: importHeapProfile,
  heapsnapshot: importHeapSnapshot,
  'chrome-trace': importChromeTrace,
  pprof: importPprof,
  'otlp-json': importOtlpJson,
};

/**
 * Imports `path` as a new completed session. Throws ParallaxError('bad-request') with a message
 * "<file name>: <what is wrong>" for a file it cannot read; nothing is written then.
 */
export async function importForeignFile(target: Store | Engine, path: string, options: ImportOptions = {}): Promise<ImportResult> {
  const main = 'store' in target ? target.store : target;
  let input: ImportInput | null = null;
  let session: ImportSession | null = null;
  let committed = false;
  const name = path.split(/[\\/]/).pop() || path;
  const snapshotsRoot = dirname(snapshotFolder(main.path, 'x'));
  const hadSnapshotsRoot = existsSync(snapshotsRoot);
  try {
    input = ImportInput.open(path);
    const format = await formatOf(input);
    const opened = input;
    session = new ImportSession(main, input, format, () => options.onProgress?.(opened.progress()));
    const { intervalUs } = await IMPORTERS[format](session, main);
    await session.commit(intervalUs);
    committed = true;
    options.onProgress?.({ readBytes: input.sizeBytes, totalBytes: input.sizeBytes });
    if ('events' in target) target.events.emit('sessionsChanged', {});
    return { sessionId: session.sessionId, format };
  } catch (error) {
    throw asImportError(name, error);
  } finally {
    input?.close();
    if (session) {
      await session.dispose();
      if (!committed) {
        rmSync(snapshotFolder(main.path, session.sessionId), { recursive: true, force: true });
        // The snapshots folder itself, when this import made it (and nothing else has used it since).
        if (!hadSnapshotsRoot && existsSync(snapshotsRoot) && readdirSync(snapshotsRoot).length === 0) rmdirSync(snapshotsRoot);
      }
    }
  }
}

/** The format from the head, or from a second pass over the whole file when the head is not enough. */
async function formatOf(input: ImportInput): Promise<ForeignFormat> {
  try {
    return sniffFormat(await input.head(), input.name);
  } catch (error) {
    if (!(error instanceof UndecidedHead)) throw error;
  }
  const again = ImportInput.open(input.path);
  try {
    return await sniffTopLevelKeys(again.chunks(), input.name);
  } finally {
    again.close();
  }
}

function asImportError(name: string, error: unknown): ParallaxError {
  if (error instanceof ImportRefusal) return new ParallaxError('bad-request', `${name}: ${error.message}`);
  if (error instanceof RangeError) return new ParallaxError('bad-request', `${name}: too large to import (${error.message})`);
  if (error instanceof ParallaxError) return new ParallaxError(error.code, `${name}: ${error.message}`);
  return new ParallaxError('internal', `${name}: the import failed: ${messageOf(error)}`);
}
