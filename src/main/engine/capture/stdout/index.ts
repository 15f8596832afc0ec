// The stdout signal: launched targets' output as log records, JSON log lines parsed.
export { StdoutCapture, type StdoutCounts, startStdoutCapture } from './capture';
export { type LineParseCounts, type ParsedLogLine, emptyParseCounts, epochUsOf, parseJsonLogLine } from './json-log-line';
export { LineSplitter, MAX_LINE_BYTES } from './line-splitter';
export { SEVERITY, logLevelOf, severityOfLevelName, severityOfNumericLevel, severityOfPlainLine } from './severity';
export { datadogDecimalId, findSpanId, findTraceId, normaliseSpanId, normaliseTraceId } from './trace-ids';
