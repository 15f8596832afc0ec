// Where a file on a monotonic clock (V8 profiles, trace events) is placed on the epoch: its end
// (or, when unknown, its start) at the file's modification time, which is when the tool wrote it.
import type { ImportInput } from './input';

/** µs timestamps above this are taken to be epoch µs already (after 2001-09-09). */
const EPOCH_US_FLOOR = 1e15;

export function epochNote(
  input: ImportInput,
  startMonoUs: number,
  endMonoUs: number | null,
  what: string,
): { offsetUs: number; note: string } {
  const at = new Date(input.modifiedUs / 1000).toISOString();
  if (startMonoUs > EPOCH_US_FLOOR) {
    return { offsetUs: 0, note: `The ${what}'s timestamps are already microseconds since the epoch; kept as they are.` };
  }
  if (endMonoUs !== null && endMonoUs >= startMonoUs) {
    return {
      offsetUs: input.modifiedUs - endMonoUs,
      note:
        `The ${what}'s times are on the recording machine's monotonic clock, which has no date: the ${what} was placed so ` +
        `it ends at the file's modification time (${at}). Times within it are exact.`,
    };
  }
  return {
    offsetUs: input.modifiedUs - startMonoUs,
    note:
      `The ${what}'s times are on the recording machine's monotonic clock, which has no date: the ${what} was placed so ` +
      `it starts at the file's modification time (${at}). Times within it are exact.`,
  };
}
