// The trace signal: NodeTracing events and performance entries, on the recording's one clock.
export { DEFAULT_TRACE_CATEGORIES, checkTraceRequest, chooseTraceCategories } from './categories';
export { TraceCapture, startTraceCapture } from './tracing';
export { PerfObserverCapture, startPerfObserverCapture } from './perf-observer-agent';
