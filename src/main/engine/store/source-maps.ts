// Source maps of a session's scripts: the map's JSON as read when recording, keyed by script url.
import type { Db } from './database';

export interface StoredSourceMap {
  /** The script the map describes, as the CPU profile names it. */
  url: string;
  /** Where the map was read from (a file:// url, or the script's url for an inline data: map). */
  mapUrl: string;
  mapJson: string;
}

export class SourceMapTable {
  constructor(private readonly db: Db) {}

  put(sessionId: string, map: StoredSourceMap): void {
    this.db
      .prepare(`INSERT OR REPLACE INTO source_maps (session_id, url, map_url, map_json) VALUES (?, ?, ?, ?)`)
      .run(sessionId, map.url, map.mapUrl, map.mapJson);
  }

  list(sessionId: string): StoredSourceMap[] {
    return this.db
      .prepare(`SELECT url, map_url AS mapUrl, map_json AS mapJson FROM source_maps WHERE session_id = ? ORDER BY url`)
      .all(sessionId) as StoredSourceMap[];
  }

  /** Script urls of the session's profiled functions, each once. */
  scriptUrls(sessionId: string): string[] {
    return (this.db.prepare(`SELECT DISTINCT url FROM functions WHERE session_id = ? AND url != ''`).all(sessionId) as { url: string }[]).map((r) => r.url);
  }
}
