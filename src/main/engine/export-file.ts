// Writes a session in a chosen format. Each format is one entry of EXPORT_FORMATS: the bundle
// (the whole session, for Parallax) and the interop formats other tools open.
import { mkdirSync } from 'node:fs';
import { ParallaxError } from '../../shared/errors';
import { exportBundle } from './bundle';
import { Redactor } from './bundle/redaction';
import { type ExportFormat, type WrittenFile, exportFormats } from './interop/export';
import type { Store } from './store/store';

export interface ExportFileOptions {
  /** Redact secrets where the format carries them: logs, attributes, command lines (default true). */
  redact?: boolean;
}

interface ExportFileFormat {
  /** What `--out` names and what lands there, for usage text and errors. */
  description: string;
  out: 'file' | 'directory';
  write(store: Store, sessionId: string, outPath: string, options: ExportFileOptions): Promise<WrittenFile[]>;
}

function interop(name: string, format: ExportFormat): ExportFileFormat {
  return {
    description: format.description,
    out: format.out,
    write: async (store, sessionId, outPath, options) => {
      if (format.out === 'directory') mkdirSync(outPath, { recursive: true });
      const redactor = format.redacts && options.redact !== false ? new Redactor() : null;
      const files = format.write(store, sessionId, outPath, redactor);
      if (files.length === 0) throw new ParallaxError('not-found', `The session has no ${format.needs} to write as ${name}`);
      const redactions = redactor?.report().reduce((n, r) => n + r.count, 0) ?? 0;
      if (redactions === 0) return files;
      const note = `${redactions} secret${redactions === 1 ? '' : 's'} redacted`;
      return files.map((f, i) => (i === 0 ? { ...f, detail: `${f.detail}; ${note}` } : f));
    },
  };
}

export const EXPORT_FORMATS: Readonly<Record<string, ExportFileFormat>> = {
  bundle: {
    description: 'FILE.parallax: the whole session, compressed and checksummed, to open in Parallax',
    out: 'file',
    write: async (store, sessionId, outPath, options) => {
      const { bytes } = await exportBundle(store, sessionId, outPath, options);
      return [{ path: outPath, bytes, detail: `bundle${options.redact === false ? ', not redacted' : ''}` }];
    },
  },
  ...Object.fromEntries(Object.entries(exportFormats).map(([name, format]) => [name, interop(name, format)])),
};

export function exportFormatNames(): string[] {
  return Object.keys(EXPORT_FORMATS);
}

/** Exports `sessionId` (a full id) as `format` to `outPath` (a file or a directory, per format). */
export async function exportSessionFile(store: Store, sessionId: string, format: string, outPath: string, options: ExportFileOptions = {}): Promise<WrittenFile[]> {
  const exporter = Object.hasOwn(EXPORT_FORMATS, format) ? EXPORT_FORMATS[format] : undefined;
  if (!exporter) throw new ParallaxError('bad-request', `Unknown export format "${format}"; choose from ${exportFormatNames().join(', ')}`);
  return exporter.write(store, sessionId, outPath, options);
}
