// The heap signal: sampling profiles, snapshots streamed to disk, and their summary by constructor.
export { HeapCapture } from './heap-capture';
export { HeapSamplingCapture, type HeapSamplingOptions } from './sampling';
export { snapshotFolder, takeRecordedHeapSnapshot, writeHeapSnapshot } from './snapshot';
export { HeapSnapshotSummariser, type HeapSnapshotSummary, summariseHeapSnapshotFile } from './snapshot-summary';
