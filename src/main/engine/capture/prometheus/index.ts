// The prometheus signal: scrape a target's metrics URL (text exposition format 0.0.4).
export { type Exposition, type ExpositionFamily, type ExpositionSample, type SkipReason, parseExposition } from './exposition-parser';
export { metricPointsOf } from './metric-points';
export { PrometheusScraper, startPrometheusCapture } from './scraper';
