// Writes a session to a file in a chosen format. Each format is one entry of EXPORT_FORMATS
// (interop formats such as cpuprofile, chrome-trace, pprof and otlp-json join here).
import { ParallaxError } from '../../shared/errors';
import { exportBundle } from './bundle';
import type { Store } from './store/store';

export interface ExportFileOptions {
  /** Redact secrets where the format carries them (default true). */
  redact?: boolean;
}

type Exporter = (store: Store, sessionId: string, outPath: string, options: ExportFileOptions) => Promise<{ bytes: number }>;

export const EXPORT_FORMATS: Readonly<Record<string, { extension: string; describe: string; write: Exporter }>> = {
  bundle: { extension: '.parallax', describe: 'the whole session, to open in Parallax', write: exportBundle },
};

export function exportFormatNames(): string[] {
  return Object.keys(EXPORT_FORMATS);
}

/** Exports `sessionId` (a full id) as `format` to `outPath`. */
export async function exportSessionFile(store: Store, sessionId: string, format: string, outPath: string, options: ExportFileOptions = {}): Promise<{ bytes: number }> {
  const exporter = Object.hasOwn(EXPORT_FORMATS, format) ? EXPORT_FORMATS[format] : undefined;
  if (!exporter) throw new ParallaxError('bad-request', `Unknown export format "${format}"; choose from ${exportFormatNames().join(', ')}`);
  return exporter.write(store, sessionId, outPath, options);
}
