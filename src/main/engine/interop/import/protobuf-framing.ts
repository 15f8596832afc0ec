// Checks the top-level framing of a protobuf message before a decoder sees it: every field's
// tag, varint and declared length must fit the buffer. pprof-format's decoder clips a length that
// runs past the end instead of failing, so a truncated file would otherwise decode as a smaller one.
import { refuse } from './refusal';

const MAX_VARINT_BYTES = 10;

export function checkProtobufFraming(buffer: Uint8Array, what: string): void {
  let at = 0;
  while (at < buffer.length) {
    const tagAt = at;
    const tag = readVarint(buffer, at, what);
    at = tag.next;
    const wireType = tag.value % 8;
    const field = Math.floor(tag.value / 8);
    if (field === 0) refuse(`not a ${what} (field number 0 at byte ${tagAt})`);
    if (wireType === 0) at = readVarint(buffer, at, what).next;
    else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else if (wireType === 2) {
      const length = readVarint(buffer, at, what);
      at = length.next + length.value;
    } else refuse(`not a ${what} (unknown protobuf wire type ${wireType} at byte ${tagAt})`);
    if (at > buffer.length) refuse(`the ${what} ends early (field ${field} at byte ${tagAt} runs past the end: truncated or corrupt)`);
  }
}

function readVarint(buffer: Uint8Array, start: number, what: string): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = start; i < buffer.length && i - start < MAX_VARINT_BYTES; i++) {
    const byte = buffer[i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return { value, next: i + 1 };
  }
  refuse(`the ${what} ends early or is corrupt (a varint at byte ${start} does not end)`);
}
