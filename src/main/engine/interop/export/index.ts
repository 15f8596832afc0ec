export { type ExportFormat, type ExportFormatName, exportFormats, exportSession, isExportFormat } from './export-formats';
export type { WrittenFile } from './cpuprofile';
export { cpuPprof, heapPprof, type PprofProfile } from './pprof';
export { type OtlpJson, type OtlpSignal, otlpRequests } from './otlp-requests';
export { spansByThread, SpanSweep } from './span-attribution';
