// Finds and reads the source map of a local script: `//# sourceMappingURL=` naming a file beside
// it, a relative or file:// path, or an inline data: URL. Sizes are capped; failures are reasons.
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Scripts larger than this are not read looking for a map comment (bundles rarely are). */
export const MAX_SCRIPT_BYTES = 64 * 1024 * 1024;
/** A map larger than this is not stored. */
export const MAX_MAP_BYTES = 32 * 1024 * 1024;

export type SourceMapRead =
  | { kind: 'map'; mapUrl: string; mapJson: string }
  | { kind: 'none' }
  | { kind: 'failed'; reason: string };

/** The local file path of a script url the profiler reported, or null (node:, http:, eval code). */
export function scriptPath(url: string): string | null {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return null;
    }
  }
  return isAbsolute(url) ? url : null;
}

/** The value of the last sourceMappingURL comment of a script's text, or null. */
export function sourceMappingUrlOf(text: string): string | null {
  const pattern = /^[ \t]*\/[/*][#@][ \t]+sourceMappingURL=([^\s*'"]+)/gm;
  let last: string | null = null;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) last = match[1]!;
  return last;
}

function decodeDataUrl(url: string): string {
  const comma = url.indexOf(',');
  if (comma < 0) throw new Error('the data: URL has no data');
  const header = url.slice(5, comma);
  const data = url.slice(comma + 1);
  return header.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
}

/** Checks the parts of a version 3 map that resolving needs; throws a reason otherwise. */
export function checkSourceMap(json: string): void {
  let map: unknown;
  try {
    map = JSON.parse(json);
  } catch {
    throw new Error('the map is not JSON');
  }
  const m = map as { version?: unknown; mappings?: unknown; sources?: unknown; sections?: unknown };
  if (typeof map !== 'object' || map === null || m.version !== 3) throw new Error('the map is not a version 3 source map');
  if (m.sections === undefined && (typeof m.mappings !== 'string' || !Array.isArray(m.sources))) throw new Error('the map has no mappings or sources');
}

/** Reads the map of the script at `url` from disk. Never throws: a failure comes back as a reason. */
export function readSourceMap(url: string): SourceMapRead {
  const path = scriptPath(url);
  if (!path) return { kind: 'none' };
  try {
    const size = statSync(path).size;
    if (size > MAX_SCRIPT_BYTES) return { kind: 'none' };
    const reference = sourceMappingUrlOf(readFileSync(path, 'utf8'));
    if (!reference) return { kind: 'none' };
    let mapJson: string;
    let mapUrl: string;
    if (reference.startsWith('data:')) {
      if (reference.length > MAX_MAP_BYTES * 1.4) return { kind: 'failed', reason: `${url}: the inline map is larger than ${MAX_MAP_BYTES / 1024 / 1024} MiB` };
      mapJson = decodeDataUrl(reference);
      mapUrl = pathToFileURL(path).href;
    } else {
      if (/^[a-z][a-z0-9+.-]*:/i.test(reference) && !reference.startsWith('file:')) return { kind: 'failed', reason: `${url}: the map is not a local file (${reference})` };
      const mapPath = reference.startsWith('file:') ? fileURLToPath(reference) : resolve(dirname(path), decodeURIComponent(reference));
      if (statSync(mapPath).size > MAX_MAP_BYTES) return { kind: 'failed', reason: `${url}: the map is larger than ${MAX_MAP_BYTES / 1024 / 1024} MiB` };
      mapJson = readFileSync(mapPath, 'utf8');
      mapUrl = pathToFileURL(mapPath).href;
    }
    checkSourceMap(mapJson);
    return { kind: 'map', mapUrl, mapJson };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'the file is missing' : code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error);
    return { kind: 'failed', reason: `${url}: ${reason}` };
  }
}
