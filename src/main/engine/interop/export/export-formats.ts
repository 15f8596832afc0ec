// The interop formats Parallax writes, by name: what each produces and the function that writes it.
// `--out` is a file for single-file formats and a directory (created when missing) for the others.
import { mkdirSync } from 'node:fs';
import { ParallaxError } from '../../../../shared/errors';
import type { Redactor } from '../../bundle/redaction';
import type { Store } from '../../store/store';
import { writeChromeTrace } from './chrome-trace';
import { type WrittenFile, writeCpuProfiles } from './cpuprofile';
import { writeOtlpJson } from './otlp-json';
import { writePprofProfiles } from './pprof';

export interface ExportFormat {
  /** What `--out` names and what lands there, for USAGE and errors. */
  description: string;
  /** What the session lacks when nothing was written. */
  needs: string;
  out: 'file' | 'directory';
  /** Whether the format carries text that may hold secrets (logs, attributes), so export redacts it. */
  redacts: boolean;
  write(store: Store, sessionId: string, out: string, redactor: Redactor | null): WrittenFile[];
}

export const exportFormats = {
  cpuprofile: {
    description: 'DIR/<thread id>-<thread name>.cpuprofile per sampled thread (DevTools, VS Code, speedscope)',
    out: 'directory',
    needs: 'CPU samples',
    redacts: false,
    write: writeCpuProfiles,
  },
  'chrome-trace': {
    description: 'FILE: Chrome trace JSON with samples, trace events, spans, logs and metrics (Perfetto, DevTools)',
    out: 'file',
    needs: 'anything',
    redacts: true,
    write: writeChromeTrace,
  },
  pprof: {
    description: 'DIR/cpu.pb.gz and DIR/heap.pb.gz, gzipped pprof with span labels (Pyroscope, go tool pprof)',
    out: 'directory',
    needs: 'CPU or heap samples',
    redacts: true,
    write: writePprofProfiles,
  },
  'otlp-json': {
    description: 'DIR/traces.json, logs.json, metrics.json: OTLP/JSON export requests (any OpenTelemetry backend)',
    out: 'directory',
    needs: 'spans, logs or metrics',
    redacts: true,
    write: writeOtlpJson,
  },
} satisfies Record<string, ExportFormat>;

export type ExportFormatName = keyof typeof exportFormats;

export function isExportFormat(name: string): name is ExportFormatName {
  return Object.hasOwn(exportFormats, name);
}

/** Writes a session in `format` to `out`; resolves the session id or prefix first (throws ParallaxError when unknown). */
export function exportSession(store: Store, sessionIdOrPrefix: string, format: ExportFormatName, out: string, redactor: Redactor | null = null): WrittenFile[] {
  const session = store.sessions.get(sessionIdOrPrefix);
  const spec: ExportFormat = exportFormats[format];
  try {
    if (spec.out === 'directory') mkdirSync(out, { recursive: true });
    return spec.write(store, session.id, out, redactor);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !code.startsWith('E')) throw error;
    const why = WRITE_ERRORS[code] ?? code;
    throw new ParallaxError('bad-request', `Cannot write ${spec.out === 'directory' ? 'into directory' : 'file'} ${out}: ${why}`);
  }
}

const WRITE_ERRORS: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  EEXIST: 'a file of that name is in the way',
  ENOTDIR: 'part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
};
