// Routes a streamed JSON document to an importer: each container is walked into, built whole
// (small elements: one trace event, one profile node) or skipped, so a file of any size is read
// holding one element at a time. Built iteratively on the tokenizer's events: nesting never recurses.
import { type JsonScanHandler, JsonScanError, JsonScanner } from '../../capture/heap/json-scanner';
import { ImportRefusal } from './refusal';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonPath = readonly (string | number)[];
export type ContainerChoice = 'walk' | 'build' | 'skip';

export interface JsonRoute {
  /** A container opens at `path` (outside any built value): walk into it, build it whole, or skip it. */
  container(path: JsonPath, kind: 'object' | 'array'): ContainerChoice;
  /** A built container, or a scalar of a walked container. */
  value(path: JsonPath, value: JsonValue): void;
  /** A walked container closes. */
  closed?(path: JsonPath, kind: 'object' | 'array'): void;
  /**
   * A walked array opens at `path`: a function to take its numbers directly (with their index),
   * without building their path; its other values still come to value() and container().
   */
  numbers?(path: JsonPath): NumberSink | null;
}

export type NumberSink = (value: number, index: number) => void;

export interface JsonRouterLimits {
  /** Values one built container may hold (bounds the memory of one element). */
  maxBuiltValues: number;
  /** Bytes kept of one string (longer strings are cut). */
  maxStringBytes: number;
  /** Accept a sequence of top-level values separated by newlines (JSON lines). */
  sequence?: boolean;
}

interface Frame {
  mode: ContainerChoice;
  isArray: boolean;
  next: number;
  sink: NumberSink | null;
}

const NEWLINE = 0x0a;

export class JsonRouter implements JsonScanHandler {
  private scanner: JsonScanner;
  private readonly path: (string | number)[] = [];
  private readonly frames: Frame[] = [];
  private pendingKey: string | null = null;
  private skipNested = 0;
  private readonly building: { value: JsonValue; key: string | null }[] = [];
  private builtValues = 0;
  private started = false;
  private valueDone = false;
  private baseOffset = 0;
  /** Top-level values read so far (more than one only in sequence mode). */
  values = 0;

  constructor(
    private readonly route: JsonRoute,
    private readonly limits: JsonRouterLimits,
  ) {
    this.scanner = new JsonScanner(this, limits.maxStringBytes);
  }

  /** Bytes of JSON read so far. */
  get offsetBytes(): number {
    return this.baseOffset + this.scanner.offsetBytes;
  }

  write(chunk: Buffer): void {
    try {
      if (!this.limits.sequence) {
        this.scanner.write(chunk);
        return;
      }
      let start = 0;
      for (let at = chunk.indexOf(NEWLINE); at >= 0; at = chunk.indexOf(NEWLINE, at + 1)) {
        this.scanner.write(chunk.subarray(start, at + 1));
        start = at + 1;
        if (this.valueDone) this.nextValue();
      }
      if (start < chunk.length) this.scanner.write(chunk.subarray(start));
    } catch (error) {
      throw asRefusal(error, this.baseOffset);
    }
  }

  /** The input is over: refuses a document that ends inside a value, or holds none. */
  end(): void {
    try {
      if (this.limits.sequence && !this.started && this.values > 0) return;
      this.scanner.end();
    } catch (error) {
      throw asRefusal(error, this.baseOffset);
    }
  }

  private nextValue(): void {
    this.scanner.end();
    this.baseOffset += this.scanner.offsetBytes;
    this.scanner = new JsonScanner(this, this.limits.maxStringBytes);
    this.started = false;
    this.valueDone = false;
  }

  // JsonScanHandler ----------------------------------------------------------------------------
  open(kind: 'object' | 'array'): void {
    if (this.skipNested > 0 || this.topMode() === 'skip') {
      this.enterValue();
      this.skipNested++;
      return;
    }
    const step = this.enterValue();
    const container: JsonValue = kind === 'object' ? {} : [];
    if (this.building.length > 0) {
      this.addBuilt(container);
      this.building.push({ value: container, key: null });
      return;
    }
    if (step !== null) this.path.push(step);
    const mode = this.route.container(this.path, kind);
    const sink = mode === 'walk' && kind === 'array' && this.route.numbers ? this.route.numbers(this.path) : null;
    this.frames.push({ mode, isArray: kind === 'array', next: 0, sink });
    if (mode === 'build') {
      this.builtValues = 1;
      this.building.push({ value: container, key: null });
    }
  }

  close(kind: 'object' | 'array'): void {
    if (this.skipNested > 0) {
      this.skipNested--;
      this.afterTopValue();
      return;
    }
    if (this.building.length > 1) {
      this.building.pop();
      return;
    }
    const frame = this.frames.pop()!;
    if (frame.mode === 'build') {
      const built = this.building.pop()!;
      this.route.value(this.path, built.value);
    } else if (frame.mode === 'walk') this.route.closed?.(this.path, kind);
    if (this.frames.length > 0) this.path.pop();
    this.afterTopValue();
  }

  key(name: string): void {
    const top = this.building[this.building.length - 1];
    if (top) top.key = name;
    else this.pendingKey = name;
  }

  wantsString(): boolean {
    return this.skipNested === 0 && this.topMode() !== 'skip';
  }

  string(value: string): void {
    this.scalar(value);
  }

  skippedString(): void {
    this.enterValue();
    this.afterTopValue();
  }

  number(value: number): void {
    // The hot path of long number arrays (a profile's samples and timeDeltas).
    const frame = this.frames[this.frames.length - 1];
    if (frame !== undefined && frame.sink !== null && this.skipNested === 0 && this.building.length === 0) {
      this.started = true;
      frame.sink(value, frame.next++);
      return;
    }
    this.scalar(value);
  }

  literal(value: boolean | null): void {
    this.scalar(value);
  }

  private scalar(value: JsonValue): void {
    if (this.skipNested > 0 || this.topMode() === 'skip') {
      this.enterValue();
      this.afterTopValue();
      return;
    }
    if (this.building.length > 0) {
      this.addBuilt(value);
      return;
    }
    const step = this.enterValue();
    if (step !== null) this.path.push(step);
    this.route.value(this.path, value);
    if (step !== null) this.path.pop();
    this.afterTopValue();
  }

  /** The path step of a value that starts now (an array index or the pending key); null at the top level. */
  private enterValue(): string | number | null {
    this.started = true;
    const frame = this.frames[this.frames.length - 1];
    if (!frame) return null;
    if (this.skipNested > 0) return '';
    if (frame.isArray) return frame.next++;
    return this.pendingKey ?? '';
  }

  private topMode(): ContainerChoice | null {
    return this.frames[this.frames.length - 1]?.mode ?? null;
  }

  private afterTopValue(): void {
    if (this.frames.length === 0 && this.skipNested === 0 && this.building.length === 0) {
      this.valueDone = true;
      this.values++;
    }
  }

  private addBuilt(value: JsonValue): void {
    if (++this.builtValues > this.limits.maxBuiltValues) {
      throw new ImportRefusal(`the element at ${describePath(this.path)} holds more than ${this.limits.maxBuiltValues.toLocaleString('en-US')} values`);
    }
    const parent = this.building[this.building.length - 1]!;
    if (Array.isArray(parent.value)) parent.value.push(value);
    else if (parent.value !== null && typeof parent.value === 'object') {
      const key = parent.key ?? '';
      // "__proto__" must stay plain data, not set the prototype; defineProperty is slow, so only there.
      if (key === '__proto__') Object.defineProperty(parent.value, key, { value, enumerable: true, writable: true, configurable: true });
      else parent.value[key] = value;
    }
  }
}

export function describePath(path: JsonPath): string {
  if (path.length === 0) return 'the top level';
  return path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('').replace(/^\./, '');
}

function asRefusal(error: unknown, baseOffset: number): unknown {
  if (!(error instanceof JsonScanError)) return error;
  const at = baseOffset + error.offsetBytes;
  if (error.message.startsWith('the input ends early')) return new ImportRefusal(`the file ends early (truncated at byte ${at})`);
  return new ImportRefusal(error.message.replace(/at byte \d+/, `at byte ${at}`));
}
