// Saving a session from the window gives one file whatever the format: a file format is written
// where asked; a folder format (a .cpuprofile per thread, pprof's cpu and heap, OTLP's signals)
// is written to a temporary folder and zipped. The file appears whole or not at all.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { ParallaxError } from '../../shared/errors';
import { EXPORT_FORMATS } from './export-file';
import type { WrittenFile } from './interop/export';

/** Writes the session as `format` to `outPath` (a file or a folder, by format); the engine's exportSession fits. */
export type WriteSession = (format: string, outPath: string) => Promise<WrittenFile[]>;

/** Writes `format` to the one file `outFile`; resolves with what went into it. */
export async function exportAsOneFile(write: WriteSession, format: string, outFile: string): Promise<WrittenFile[]> {
  const spec = Object.hasOwn(EXPORT_FORMATS, format) ? EXPORT_FORMATS[format] : undefined;
  if (!spec) throw new ParallaxError('bad-request', `Unknown export format "${format}"`);
  if (spec.out === 'file') return write(format, outFile);
  const folder = await mkdtemp(join(tmpdir(), 'parallax-zip-'));
  const partial = `${outFile}.partial`;
  try {
    const files = await write(format, folder);
    await zipFiles(files, partial);
    await rename(partial, outFile);
    return files;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function zipFiles(files: WrittenFile[], outFile: string): Promise<void> {
  const zip = new ZipFile();
  // Gzipped members (pprof) would not shrink again; store them as they are.
  for (const file of files) zip.addFile(file.path, basename(file.path), { compress: !file.path.endsWith('.gz') });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(outFile));
}
