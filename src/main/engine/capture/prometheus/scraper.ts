// The prometheus capture: scrapes the target's metrics URL on the metrics interval, one scrape
// at a time, and stores every sample as a typed, labelled series. Failures and skipped lines are
// counted in the session's notes; the recording always goes on.
import type http from 'node:http';
import type { Capture, ProcessCaptureInput } from '../capture';
import { METRICS_INTERVAL_MS } from '../metrics';
import type { SessionWriter } from '../../store/session-writer';
import { labelsKey } from '../../store/metrics';
import { messageOf } from '../../../../shared/errors';
import { parseExposition } from './exposition-parser';
import { metricPointsOf } from './metric-points';
import { type ScrapeFailureKind, type ScrapeLimits, type ScrapeTarget, ScrapeFailure, agentFor, requestExposition, scrapeTargetOf } from './scrape-request';

export interface ScraperOptions extends ScrapeLimits {
  intervalMs: number;
  /** Distinct series kept per recording; samples of further series are skipped ('series-limit'). */
  maxSeries: number;
}

// The same 250 ms as the runtime metrics, so both land on one grid. prom-client renders its
// default metrics in well under a millisecond, so four scrapes a second cost the target little.
export const DEFAULT_SCRAPER_OPTIONS: ScraperOptions = {
  intervalMs: METRICS_INTERVAL_MS,
  timeoutMs: 2000,
  maxBytes: 10 * 1024 * 1024,
  maxSeries: 10_000,
};

// Notes are rewritten on change, at most this often, and once more at the end.
const NOTES_EVERY_MS = 1000;
// A launched target opens its metrics port a moment after it starts running (prom-client takes
// ~0.5 s to load): refusals before its first answer are startup, not failure, unless they last.
const STARTUP_GRACE_MS = 5000;

export interface ScraperReports {
  /** A fact for people on the session (RecordingContext.note). */
  note(key: string, value: string): void;
  /** A problem that is not the target's (RecordingContext.warn); scraping goes on. */
  warn(message: string): void;
}

interface Tally {
  count: number;
  /** What the first one was, for the note. */
  detail: string;
}

/** Starts the capture when the prometheus signal is on and a URL is given. Throws ParallaxError for a non-http(s) URL. */
export async function startPrometheusCapture({ context }: ProcessCaptureInput): Promise<Capture | null> {
  if (!context.signals.has('prometheus')) return null;
  const url = context.request.prometheusUrl;
  if (!url) {
    context.note('prometheus', 'not scraped: no metrics URL was given (--prometheus-url)');
    return null;
  }
  const scraper = new PrometheusScraper(scrapeTargetOf(url), context.writer, context);
  scraper.start();
  return scraper;
}

export class PrometheusScraper implements Capture {
  private readonly agent: http.Agent;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = false;
  private okScrapes = 0;
  private startedAtMs = 0;
  /** Refusals before the first answer, held back while they may be startup. */
  private refusedAtStartup: { error: ScrapeFailure; atMs: number }[] | null = [];
  private refusedBeforeFirstAnswer = 0;
  private readonly failures = new Map<ScrapeFailureKind, number>();
  private firstError: string | null = null;
  private lastError: string | null = null;
  private readonly skipped = new Map<string, Tally>();
  private readonly series = new Set<string>();
  private readonly notesWritten = new Map<string, string>();
  private notesWrittenAtMs = 0;

  constructor(
    private readonly target: ScrapeTarget,
    private readonly writer: SessionWriter,
    private readonly reports: ScraperReports,
    private readonly options: ScraperOptions = DEFAULT_SCRAPER_OPTIONS,
  ) {
    this.agent = agentFor(target);
  }

  /** Scrapes now, then on every interval boundary after each scrape ends (never two at once). */
  start(): void {
    this.setNote('prometheus.url', this.target.shownUrl);
    this.startedAtMs = Date.now();
    this.tick();
  }

  /** Abandons a scrape in flight, closes the connection and writes the final counts. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await this.inFlight;
    this.agent.destroy();
    this.endStartup(false);
    this.writeNotes(true);
  }

  private tick(): void {
    const startedMs = Date.now();
    this.inFlight = this.scrape(startedMs)
      .catch((error: unknown) => this.reports.warn(`Prometheus scrape of ${this.target.shownUrl} went wrong: ${messageOf(error)}`))
      .finally(() => {
        this.inFlight = null;
        if (this.stopped) return;
        const elapsedMs = Date.now() - startedMs;
        this.timer = setTimeout(() => this.tick(), this.options.intervalMs - (elapsedMs % this.options.intervalMs));
      });
  }

  private async scrape(startedMs: number): Promise<void> {
    let text: string;
    try {
      text = await requestExposition(this.target, this.agent, this.options, this.abort.signal);
    } catch (error) {
      if (!(error instanceof ScrapeFailure)) throw error;
      if (error.kind !== 'stopped') this.failed(error);
      return;
    }
    if (this.stopped) return;
    this.okScrapes++;
    this.endStartup(true);
    const exposition = parseExposition(text);
    for (const [reason, count] of exposition.skipped) this.countSkip(reason, count.count, `line ${count.firstLine}: ${count.detail}`);
    // Prometheus stamps a scrape with the time it began; so does this (integer µs since the epoch).
    const { points, notFinite } = metricPointsOf(exposition.families, startedMs * 1000);
    if (notFinite > 0) this.countSkip('not-finite', notFinite, 'NaN or ±Inf sample values are not stored');
    for (const point of points) {
      const key = `${point.name}\u0000${labelsKey(point.labels)}`;
      if (!this.series.has(key)) {
        if (this.series.size >= this.options.maxSeries) {
          this.countSkip('series-limit', 1, `over ${this.options.maxSeries} series; first left out: ${point.name}`);
          continue;
        }
        this.series.add(key);
      }
      this.writer.addMetric(point);
    }
    this.writeNotes(false);
  }

  private failed(error: ScrapeFailure): void {
    if (this.okScrapes === 0 && this.refusedAtStartup !== null && error.kind === 'refused') {
      this.refusedAtStartup.push({ error, atMs: Date.now() });
      if (Date.now() - this.startedAtMs < STARTUP_GRACE_MS) return;
      return this.endStartup(false);
    }
    this.count(error);
  }

  /** Ends the startup grace: refusals held back are forgotten once the target answers, else counted. */
  private endStartup(answered: boolean): void {
    const held = this.refusedAtStartup;
    if (held === null) return;
    this.refusedAtStartup = null;
    if (answered) this.refusedBeforeFirstAnswer = held.length;
    else for (const { error, atMs } of held) this.count(error, atMs);
  }

  private count(error: ScrapeFailure, atMs = Date.now()): void {
    this.failures.set(error.kind, (this.failures.get(error.kind) ?? 0) + 1);
    const explained = `${new Date(atMs).toISOString()} GET ${this.target.shownUrl}: ${error.message}`;
    this.lastError = explained;
    // The first failure is written at once: it is what a person needs to fix the URL or the target.
    this.firstError ??= explained;
    this.writeNotes(this.failures.size === 1 && sum(this.failures) === 1);
  }

  private countSkip(reason: string, count: number, detail: string): void {
    const seen = this.skipped.get(reason);
    if (seen) seen.count += count;
    else this.skipped.set(reason, { count, detail });
  }

  private writeNotes(now: boolean): void {
    if (!now && Date.now() - this.notesWrittenAtMs < NOTES_EVERY_MS) return;
    this.notesWrittenAtMs = Date.now();
    const failed = sum(this.failures);
    const byKind = [...this.failures].map(([kind, n]) => `${kind} ${n}`).join(', ');
    const startup = this.refusedBeforeFirstAnswer ? `; ${this.refusedBeforeFirstAnswer} refused before the target first answered` : '';
    this.setNote('prometheus.scrapes', `${this.okScrapes} ok, ${failed} failed${failed ? ` (${byKind})` : ''}${startup}`);
    if (this.firstError) this.setNote('prometheus.firstError', this.firstError);
    if (this.lastError && this.lastError !== this.firstError) this.setNote('prometheus.lastError', this.lastError);
    if (this.skipped.size > 0) {
      const parts = [...this.skipped].map(([reason, s]) => `${reason} ${s.count} (first: ${s.detail})`);
      this.setNote('prometheus.skipped', parts.join('; '));
    }
  }

  private setNote(key: string, value: string): void {
    if (this.notesWritten.get(key) === value) return;
    this.notesWritten.set(key, value);
    this.reports.note(key, value);
  }
}

function sum(counts: Map<unknown, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}
