// A push tokenizer for JSON of any size: bytes in, events out, holding only the token being read,
// so a heap snapshot far larger than V8's longest string (~512 MiB) can be read in chunks.

export interface JsonScanHandler {
  open(kind: 'object' | 'array'): void;
  close(kind: 'object' | 'array'): void;
  key(name: string): void;
  /** Asked when a string value starts: only wanted strings are decoded (the rest are skipped). */
  wantsString(): boolean;
  string(value: string): void;
  /** A string value that was not wanted. */
  skippedString(): void;
  number(value: number): void;
  literal(value: boolean | null): void;
}

/** Malformed or truncated input; `offsetBytes` is where the scanner stopped. */
export class JsonScanError extends Error {
  constructor(
    message: string,
    readonly offsetBytes: number,
  ) {
    super(message);
    this.name = 'JsonScanError';
  }
}

// What may come next, after the current token.
const VALUE = 0;
const VALUE_OR_END = 1; // just after '['
const KEY_OR_END = 2; // just after '{'
const KEY = 3;
const COLON = 4;
const COMMA_OR_END = 5;
const DONE = 6;

// The token being read, when one spans a chunk boundary.
const NONE = 0;
const STRING = 1;
const NUMBER = 2;
const LITERAL = 3;

const QUOTE = 0x22;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;
const MAX_NUMBER_CHARS = 64;
const MAX_CACHED_CHARS = 32;
const STRING_CACHE_SLOTS = 4096;
const MAX_DEPTH = 10_000;
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const LITERALS: Record<string, boolean | null> = { true: true, false: false, null: null };

export class JsonScanner {
  private expect = VALUE;
  /** 1 for an object, 0 for an array, per open container. */
  private readonly containers: number[] = [];
  private inObject = false;
  private token = NONE;
  private offset = 0;
  // String state.
  private isKey = false;
  private capturing = false;
  private escaped = false;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private truncated = false;
  // Number state: digits accumulate fast; anything else falls back to the text.
  private numberValue = 0;
  private numberDigits = 0;
  private numberText = '';
  private numberSimple = true;
  // Literal state.
  private literalText = '';
  private readonly stringCache: (string | undefined)[] = new Array(STRING_CACHE_SLOTS);

  /** `maxStringBytes` caps how much of a wanted string or key is kept (the rest is dropped). */
  constructor(
    private readonly handler: JsonScanHandler,
    private readonly maxStringBytes = 4096,
  ) {}

  get depth(): number {
    return this.containers.length;
  }

  get offsetBytes(): number {
    return this.offset;
  }

  write(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.token === STRING) {
        i = this.readString(chunk, i);
        continue;
      }
      if (this.token === NUMBER) {
        i = this.readNumber(chunk, i);
        continue;
      }
      if (this.token === LITERAL) {
        i = this.readLiteral(chunk, i);
        continue;
      }
      const c = chunk[i]!;
      // The hot path: long arrays of small integers (a snapshot's nodes and edges).
      if (c === COMMA && this.expect === COMMA_OR_END) {
        this.expect = this.inObject ? KEY : VALUE;
        this.offset++;
        i++;
        continue;
      }
      if (c >= 0x30 && c <= 0x39 && (this.expect === VALUE || this.expect === VALUE_OR_END)) {
        let value = c - 0x30;
        let j = i + 1;
        for (; j < n && j - i < 15; j++) {
          const d = chunk[j]!;
          if (d < 0x30 || d > 0x39) break;
          value = value * 10 + (d - 0x30);
        }
        const next = j < n ? chunk[j]! : -1;
        if ((c !== 0x30 || j === i + 1) && (next === COMMA || next === 0x5d || next === 0x0a || next === 0x20 || next === 0x7d || next === 0x0d)) {
          this.offset += j - i;
          i = j;
          this.afterValue();
          this.handler.number(value);
          continue;
        }
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        this.offset++;
        i++;
        continue;
      }
      this.structural(c);
      this.offset++;
      i++;
    }
  }

  /** Call once the input is over: throws when it ended inside a value. */
  end(): void {
    if (this.token === NUMBER) this.finishNumber();
    if (this.token === LITERAL) this.finishLiteral();
    if (this.expect !== DONE || this.token !== NONE) {
      throw new JsonScanError(`the input ends early (truncated at byte ${this.offset})`, this.offset);
    }
  }

  private structural(c: number): void {
    const expect = this.expect;
    if (c === QUOTE) {
      if (expect === KEY || expect === KEY_OR_END) {
        this.startString(true);
        return;
      }
      if (expect === VALUE || expect === VALUE_OR_END) {
        this.startString(false);
        return;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (expect === VALUE || expect === VALUE_OR_END) {
        if (this.containers.length >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
        const isObject = c === 0x7b;
        this.containers.push(isObject ? 1 : 0);
        this.inObject = isObject;
        this.expect = isObject ? KEY_OR_END : VALUE_OR_END;
        this.handler.open(isObject ? 'object' : 'array');
        return;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      const isObject = c === 0x7d;
      const top = this.containers[this.containers.length - 1];
      const closable = expect === COMMA_OR_END || expect === (isObject ? KEY_OR_END : VALUE_OR_END);
      if (closable && top === (isObject ? 1 : 0)) {
        this.containers.pop();
        this.inObject = this.containers[this.containers.length - 1] === 1;
        this.afterValue();
        this.handler.close(isObject ? 'object' : 'array');
        return;
      }
    } else if (c === 0x3a /* : */) {
      if (expect === COLON) {
        this.expect = VALUE;
        return;
      }
    } else if (c === COMMA) {
      if (expect === COMMA_OR_END) {
        this.expect = this.inObject ? KEY : VALUE;
        return;
      }
    } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d /* - */) {
      if (expect === VALUE || expect === VALUE_OR_END) {
        this.token = NUMBER;
        this.numberSimple = c !== 0x2d;
        this.numberValue = this.numberSimple ? c - 0x30 : 0;
        this.numberDigits = this.numberSimple ? 1 : 0;
        this.numberText = this.numberSimple ? '' : '-';
        return;
      }
    } else if (c === 0x74 /* t */ || c === 0x66 /* f */ || c === 0x6e /* n */) {
      if (expect === VALUE || expect === VALUE_OR_END) {
        this.token = LITERAL;
        this.literalText = String.fromCharCode(c);
        return;
      }
    }
    this.fail(`unexpected ${describeByte(c)}`);
  }

  private afterValue(): void {
    this.expect = this.containers.length === 0 ? DONE : COMMA_OR_END;
  }

  private startString(isKey: boolean): void {
    this.token = STRING;
    this.isKey = isKey;
    this.capturing = isKey || this.handler.wantsString();
    this.escaped = false;
    this.parts = [];
    this.partBytes = 0;
    this.truncated = false;
  }

  private readString(chunk: Buffer, start: number): number {
    let i = start;
    const n = chunk.length;
    let escaped = this.escaped;
    // Short ASCII strings without escapes (keys, phases, categories) are hashed as they are
    // scanned and taken from a small cache instead of being decoded again each time.
    let plain = !escaped && this.parts.length === 0;
    let hash = 0;
    for (; i < n; i++) {
      const c = chunk[i]!;
      if (escaped) escaped = false;
      else if (c === BACKSLASH) {
        escaped = true;
        plain = false;
      } else if (c === QUOTE) break;
      else if (c < 0x20) {
        this.offset += i - start;
        this.fail('a control character inside a string');
      } else if (c >= 0x80) plain = false;
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    this.escaped = escaped;
    this.offset += i - start + (i < n ? 1 : 0);
    // The common case, a string wholly inside this chunk, is decoded without copying it first.
    const whole = this.capturing && i < n && this.parts.length === 0 && i - start <= this.maxStringBytes;
    if (this.capturing && !this.truncated && !whole) this.keep(chunk, start, i);
    if (i >= n) return n;
    this.token = NONE;
    let text = '';
    if (whole) text = plain && i - start <= MAX_CACHED_CHARS ? this.cached(chunk, start, i, hash) : this.unescape(chunk.toString('utf8', start, i));
    else if (this.capturing) text = this.decode();
    if (this.isKey) {
      this.expect = COLON;
      this.handler.key(text);
    } else {
      this.afterValue();
      if (this.capturing) this.handler.string(text);
      else this.handler.skippedString();
    }
    return i + 1;
  }

  /** The ASCII string chunk[start, end) with `hash`, from the cache when it was seen recently. */
  private cached(chunk: Buffer, start: number, end: number, hash: number): string {
    const slot = (hash ^ (hash >>> 12)) & (STRING_CACHE_SLOTS - 1);
    const known = this.stringCache[slot];
    const length = end - start;
    if (known !== undefined && known.length === length) {
      let k = 0;
      while (k < length && known.charCodeAt(k) === chunk[start + k]) k++;
      if (k === length) return known;
    }
    const text = chunk.toString('latin1', start, end);
    this.stringCache[slot] = text;
    return text;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    const room = this.maxStringBytes - this.partBytes;
    const end = Math.min(to, from + room);
    if (end > from) {
      // Copied: the reader may reuse its buffer for the next chunk.
      this.parts.push(Buffer.from(chunk.subarray(from, end)));
      this.partBytes += end - from;
    }
    if (to - from > room) this.truncated = true;
  }

  private decode(): string {
    const raw = Buffer.concat(this.parts).toString('utf8');
    this.parts = [];
    return this.unescape(raw);
  }

  private unescape(raw: string): string {
    if (!raw.includes('\\')) return raw;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      // A string cut at the cap may end inside an escape: drop the broken tail.
      const cut = raw.slice(0, raw.lastIndexOf('\\'));
      try {
        return JSON.parse(`"${cut}"`) as string;
      } catch {
        if (this.truncated) return cut;
        this.fail('a bad escape inside a string');
      }
    }
  }

  private readNumber(chunk: Buffer, start: number): number {
    let i = start;
    const n = chunk.length;
    for (; i < n; i++) {
      const c = chunk[i]!;
      const isDigit = c >= 0x30 && c <= 0x39;
      if (this.numberSimple && isDigit && this.numberDigits < 15) {
        // The hot path: node and edge fields are plain non-negative integers.
        if (this.numberDigits === 1 && this.numberValue === 0) this.fail('a number with a leading zero');
        this.numberValue = this.numberValue * 10 + (c - 0x30);
        this.numberDigits++;
      } else if (isDigit || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d) {
        if (this.numberSimple) {
          this.numberSimple = false;
          this.numberText = String(this.numberValue);
        }
        if (this.numberText.length >= MAX_NUMBER_CHARS) this.fail(`a number longer than ${MAX_NUMBER_CHARS} characters`);
        this.numberText += String.fromCharCode(c);
      } else break;
    }
    this.offset += i - start;
    if (i < n) this.finishNumber();
    return i;
  }

  private finishNumber(): void {
    this.token = NONE;
    let value = this.numberValue;
    if (!this.numberSimple) {
      if (!JSON_NUMBER.test(this.numberText)) this.fail(`a malformed number "${this.numberText}"`);
      value = Number(this.numberText);
    }
    this.afterValue();
    this.handler.number(value);
  }

  private readLiteral(chunk: Buffer, start: number): number {
    let i = start;
    const n = chunk.length;
    for (; i < n && this.literalText.length < 5; i++) {
      const c = chunk[i]!;
      if (c < 0x61 || c > 0x7a) break;
      this.literalText += String.fromCharCode(c);
    }
    this.offset += i - start;
    if (i < n) this.finishLiteral();
    return i;
  }

  private finishLiteral(): void {
    this.token = NONE;
    if (!Object.hasOwn(LITERALS, this.literalText)) this.fail(`an unknown word "${this.literalText}"`);
    this.afterValue();
    this.handler.literal(LITERALS[this.literalText]!);
  }

  private fail(what: string): never {
    throw new JsonScanError(`not valid JSON at byte ${this.offset}: ${what}`, this.offset);
  }
}

function describeByte(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}
