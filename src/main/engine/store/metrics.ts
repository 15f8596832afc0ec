// Metric series of a session in long form (one row per point), so any source can add series.
import type { MetricKind, MetricSeries, TimeRange } from '../../../shared/domain';
import type { Db } from './database';
import { SessionDigests } from './session-digests';

const DIGEST = 'metric-series';
type SeriesInfo = Omit<MetricSeries, 'timesUs' | 'values'>;

export interface MetricPoint {
  name: string;
  unit: string;
  timeUs: number;
  value: number;
  /** 'gauge' when absent. */
  kind?: MetricKind;
  labels?: Record<string, string>;
  /** 'runtime' when absent. */
  source?: string;
  threadId?: number;
}

/** Labels as a canonical string (sorted keys), so one series has one key. */
export function labelsKey(labels: Record<string, string> | undefined): string {
  if (!labels) return '{}';
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

export class MetricTable {
  private readonly seriesIds = new Map<string, number>();
  private readonly insertSeries;
  private readonly findSeries;
  private readonly insertPoint;
  private readonly digests: SessionDigests;

  constructor(private readonly db: Db) {
    this.digests = new SessionDigests(db);
    this.insertSeries = db.prepare(
      `INSERT INTO metric_series (session_id, name, unit, kind, labels, source, thread_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.findSeries = db.prepare(
      `SELECT id FROM metric_series WHERE session_id = ? AND name = ? AND labels = ? AND thread_id = ?`,
    );
    this.insertPoint = db.prepare(`INSERT INTO metric_points (series_id, ts_us, value) VALUES (?, ?, ?)`);
  }

  /** Call inside a transaction. */
  insert(sessionId: string, point: MetricPoint): void {
    const labels = labelsKey(point.labels);
    const threadId = point.threadId ?? 0;
    const key = `${sessionId}\u0000${point.name}\u0000${labels}\u0000${threadId}`;
    let seriesId = this.seriesIds.get(key);
    if (seriesId === undefined) {
      const found = this.findSeries.get(sessionId, point.name, labels, threadId) as { id: number } | undefined;
      seriesId = found
        ? found.id
        : Number(
            this.insertSeries.run(sessionId, point.name, point.unit, point.kind ?? 'gauge', labels, point.source ?? 'runtime', threadId)
              .lastInsertRowid,
          );
      this.seriesIds.set(key, seriesId);
    }
    this.insertPoint.run(seriesId, Math.round(point.timeUs), point.value);
  }

  /**
   * Every series with its points. An ended session's are read once and kept as a digest (columns
   * of times and values), so a store opened again does not read every point row again.
   */
  series(sessionId: string): MetricSeries[] {
    const basis = this.digests.endBasis(sessionId);
    const kept = basis === null ? null : this.keptSeries(sessionId, basis);
    if (kept) return kept;
    const series = this.readSeries(sessionId);
    if (basis !== null) {
      try {
        const meta: SeriesInfo[] = series.map(({ timesUs: _t, values: _v, ...info }) => info);
        this.digests.put(sessionId, DIGEST, basis, { meta, columns: series.flatMap((s) => [Float64Array.from(s.timesUs), Float64Array.from(s.values)]) });
      } catch {
        // Only a shortcut: the next ask reads the rows again.
      }
    }
    return series;
  }

  private keptSeries(sessionId: string, basis: string): MetricSeries[] | null {
    const digest = this.digests.get(sessionId, DIGEST, basis);
    const meta = digest?.meta;
    if (!digest || !Array.isArray(meta) || digest.columns.length !== meta.length * 2) return null;
    return (meta as SeriesInfo[]).map((info, i) => ({ ...info, timesUs: Array.from(digest.columns[i * 2]!), values: Array.from(digest.columns[i * 2 + 1]!) }));
  }

  private readSeries(sessionId: string): MetricSeries[] {
    const series = this.db
      .prepare(`SELECT id, name, unit, kind, labels, source, thread_id FROM metric_series WHERE session_id = ? ORDER BY id`)
      .all(sessionId) as { id: number; name: string; unit: string; kind: MetricKind; labels: string; source: string; thread_id: number }[];
    const points = this.db.prepare(`SELECT ts_us, value FROM metric_points WHERE series_id = ? ORDER BY ts_us`).raw();
    return series.map((s) => {
      const rows = points.all(s.id) as [number, number][];
      return {
        name: s.name,
        unit: s.unit,
        kind: s.kind,
        labels: JSON.parse(s.labels) as Record<string, string>,
        source: s.source,
        threadId: s.thread_id,
        timesUs: rows.map((r) => r[0]),
        values: rows.map((r) => r[1]),
      };
    });
  }

  count(sessionId: string, range?: TimeRange): number {
    const sql = `SELECT COUNT(*) AS n FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.session_id = ?`;
    const row = range
      ? this.db.prepare(`${sql} AND p.ts_us BETWEEN ? AND ?`).get(sessionId, range.fromUs, range.toUs)
      : this.db.prepare(sql).get(sessionId);
    return (row as { n: number }).n;
  }

  forget(sessionId: string): void {
    for (const key of this.seriesIds.keys()) if (key.startsWith(`${sessionId}\u0000`)) this.seriesIds.delete(key);
  }
}
