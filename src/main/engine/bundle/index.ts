// .parallax session bundles: export, import, and the signature import-file sniffs for.
export { exportBundle, type BundleExportOptions, type BundleExportResult } from './export';
export { importBundle, type BundleImportResult } from './import';
export { BUNDLE_FORMAT_VERSION, startsWithBundleMagic } from './container';
export type { BundleManifest } from './manifest';
