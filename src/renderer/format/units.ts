// Turns numbers with units (µs since the epoch, ms, bytes, percent) into short text for people.

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Local wall clock of an epoch-µs time as HH:MM:SS.mmm. */
export function formatClock(timeUs: number): string {
  const date = new Date(Math.floor(timeUs / 1000));
  return `${pad(date.getHours(), 2)}:${pad(date.getMinutes(), 2)}:${pad(date.getSeconds(), 2)}.${pad(date.getMilliseconds(), 3)}`;
}

/** Start time for lists: the clock alone today, else the date too. */
export function formatStart(timeUs: number, nowMs: number = Date.now()): string {
  const date = new Date(Math.floor(timeUs / 1000));
  const now = new Date(nowMs);
  const hm = `${pad(date.getHours(), 2)}:${pad(date.getMinutes(), 2)}:${pad(date.getSeconds(), 2)}`;
  if (date.toDateString() === now.toDateString()) return hm;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1, 2)}-${pad(date.getDate(), 2)} ${hm}`;
}

/** A span of time in the largest sensible unit: 850 µs, 12.4 ms, 3.21 s, 4m 05s, 1h 02m. */
export function formatDurationMs(durationMs: number): string {
  if (!Number.isFinite(durationMs) || durationMs < 0) return '—';
  if (durationMs < 1) return `${Math.round(durationMs * 1000)} µs`;
  if (durationMs < 100) return `${trimFixed(durationMs, 1)} ms`;
  if (durationMs < 1000) return `${Math.round(durationMs)} ms`;
  const seconds = durationMs / 1000;
  if (seconds < 60) return `${trimFixed(seconds, seconds < 10 ? 2 : 1)} s`;
  const totalSeconds = Math.floor(seconds);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const secs = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${pad(minutes, 2)}m`;
  return `${minutes}m ${pad(secs, 2)}s`;
}

/** Elapsed time as a running clock: 0:07, 1:02:03. */
export function formatElapsed(elapsedMs: number): string {
  const total = Math.max(0, Math.floor(elapsedMs / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad(minutes, 2)}:${pad(seconds, 2)}` : `${minutes}:${pad(seconds, 2)}`;
}

function trimFixed(value: number, digits: number): string {
  return value.toFixed(digits).replace(/\.?0+$/, '');
}

export function formatBytes(sizeBytes: number): string {
  if (!Number.isFinite(sizeBytes)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = Math.abs(sizeBytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${sizeBytes < 0 ? '-' : ''}${value.toFixed(digits)} ${units[unit]}`;
}

export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  if (!Number.isFinite(percent)) return '—';
  if (percent > 0 && percent < 0.1) return '<0.1%';
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** A value of a metric series, by its unit name. */
export function formatMetricValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'bytes':
      return formatBytes(value);
    case 'percent':
    case '%':
      return `${value.toFixed(1)}%`;
    case 'ms':
      return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
    case 'us':
    case 'µs':
      return formatDurationMs(value / 1000);
    default:
      return Math.abs(value) >= 1000 ? formatCount(Math.round(value)) : String(Number(value.toPrecision(4)));
  }
}

/** A time-axis tick (seconds since the epoch) as a local HH:MM:SS. */
export function formatAxisClock(seconds: number, withMs = false): string {
  const date = new Date(Math.round(seconds * 1000));
  const clock = `${pad(date.getHours(), 2)}:${pad(date.getMinutes(), 2)}:${pad(date.getSeconds(), 2)}`;
  return withMs ? `${clock}.${pad(date.getMilliseconds(), 3)}` : clock;
}

/** A value-axis tick: like formatMetricValue but without needless decimals. */
export function formatAxisValue(value: number, unit: string): string {
  if (unit === 'percent' || unit === '%') return `${Number(value.toFixed(1))}%`;
  if (unit === 'ms') return `${Number(value.toPrecision(3))} ms`;
  return formatMetricValue(value, unit);
}
