// After a recording: reads the source maps of the scripts its CPU profile ran and stores them in
// the session. A map that cannot be read is noted on the session, never fatal.
import type { Store } from '../../store/store';
import { readSourceMap } from './read-source-map';

export interface SourceMapCollection {
  stored: number;
  failures: string[];
}

/** Looks at every profiled script once; notes `sourcemaps.stored` and `sourcemaps.failed`. */
export function collectSourceMaps(store: Store, sessionId: string): SourceMapCollection {
  const result: SourceMapCollection = { stored: 0, failures: [] };
  const known = new Set(store.sourceMaps.list(sessionId).map((map) => map.url));
  for (const url of store.sourceMaps.scriptUrls(sessionId)) {
    if (known.has(url)) continue;
    const read = readSourceMap(url);
    if (read.kind === 'map') {
      store.sourceMaps.put(sessionId, { url, mapUrl: read.mapUrl, mapJson: read.mapJson });
      result.stored++;
    } else if (read.kind === 'failed') {
      result.failures.push(read.reason);
    }
  }
  if (result.stored > 0) store.sessions.setNote(sessionId, 'sourcemaps.stored', String(result.stored + known.size));
  if (result.failures.length > 0) {
    const more = result.failures.length > 1 ? ` (and ${result.failures.length - 1} more)` : '';
    store.sessions.setNote(sessionId, 'sourcemaps.failed', `${result.failures[0]}${more}`);
  }
  return result;
}
