// Byte-level encoding of the bundle payload: a growable writer and a bounds-checked reader with
// LEB128 varints limited to safe integers. Every read is checked against what is left, so a hostile
// length or count fails here before anything is allocated for it.
import { BundleContentError } from './errors';

const MAX_VARINT_BYTES = 8;

export class ByteWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  get size(): number {
    return this.length;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let next = this.buffer.length * 2;
    while (next < this.length + bytes) next *= 2;
    const grown = Buffer.allocUnsafe(next);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  u8(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** Unsigned LEB128; the value must be a safe non-negative integer. */
  varint(value: number): void {
    this.reserve(MAX_VARINT_BYTES);
    let v = value;
    while (v >= 0x80) {
      this.buffer[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buffer[this.length++] = v;
  }

  /** Zigzag signed varint for |value| <= 2^52. */
  signed(value: number): void {
    this.varint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  string(text: string): void {
    const data = Buffer.from(text, 'utf8');
    this.varint(data.length);
    this.bytes(data);
  }

  /** The written bytes (a view: do not write afterwards). */
  finish(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

export class ByteReader {
  private offset = 0;

  constructor(
    private readonly data: Buffer,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.data.length - this.offset;
  }

  get atEnd(): boolean {
    return this.offset === this.data.length;
  }

  fail(problem: string): never {
    throw new BundleContentError(`${this.what}: ${problem}`);
  }

  u8(): number {
    if (this.offset >= this.data.length) this.fail('ends early');
    return this.data[this.offset++]!;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const byte = this.u8();
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (!Number.isSafeInteger(value)) this.fail('a number is too large');
        return value;
      }
      scale *= 0x80;
    }
    return this.fail('a number is too long');
  }

  /** `n` unsigned varints in a row, read in one tight loop (the same checks as `varint`). */
  varints(n: number): number[] {
    const data = this.data;
    const end = data.length;
    let offset = this.offset;
    const values = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      let byte = offset < end ? data[offset++]! : this.fail('ends early');
      if (byte < 0x80) {
        values[i] = byte;
        continue;
      }
      let value = byte & 0x7f;
      let scale = 0x80;
      for (let read = 1; ; read++) {
        if (read === MAX_VARINT_BYTES) this.fail('a number is too long');
        byte = offset < end ? data[offset++]! : this.fail('ends early');
        value += (byte & 0x7f) * scale;
        if (byte < 0x80) break;
        scale *= 0x80;
      }
      if (!Number.isSafeInteger(value)) this.fail('a number is too large');
      values[i] = value;
    }
    this.offset = offset;
    return values;
  }

  signed(): number {
    const z = this.varint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  /** A count of items that each need at least `minBytesEach` bytes of what is left, at most `max`. */
  count(label: string, max: number, minBytesEach: number): number {
    const n = this.varint();
    if (n > max) this.fail(`${label} ${n} is over the limit of ${max}`);
    if (minBytesEach > 0 && n * minBytesEach > this.remaining) this.fail(`${label} ${n} is more than the data holds`);
    return n;
  }

  bytes(length: number): Buffer {
    if (length > this.remaining) this.fail('ends early');
    const slice = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  string(): string {
    const length = this.count('string length', this.remaining, 1);
    const raw = this.bytes(length);
    const text = raw.toString('utf8');
    // Invalid UTF-8 would turn into U+FFFD silently; a bundle we wrote never contains it.
    if (text.includes('\ufffd') && !Buffer.from(text, 'utf8').equals(raw)) this.fail('a string is not valid UTF-8');
    return text;
  }
}
