// Interop in: profiles, traces and telemetry made by other tools, imported as sessions.
export { type ImportOptions, type ImportResult, importForeignFile } from './import-foreign-file';
export type { InputProgress } from './input';
export { FORMAT_NAMES, type ForeignFormat } from './sniff';
