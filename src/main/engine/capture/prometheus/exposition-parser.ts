// Prometheus text exposition format 0.0.4 → metric families. Line by line and forgiving: a bad
// line is skipped with a reason and counted, never fatal, so one broken exporter cannot end a recording.

export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface ExpositionSample {
  /** The sample's own name: `x_bucket`, `x_sum`, `x_count` for a histogram family `x`. */
  name: string;
  /** Own properties only: a label called `__proto__` is kept as a label (see setLabel). */
  labels: Record<string, string>;
  value: number;
  /** The optional timestamp of the line, in ms since the epoch. */
  timestampMs: number | null;
}

export interface ExpositionFamily {
  name: string;
  type: FamilyType;
  help: string;
  /** From an OpenMetrics `# UNIT` line; '' when the text does not say. */
  unit: string;
  samples: ExpositionSample[];
}

export type SkipReason =
  | 'line-too-long'
  | 'binary'
  | 'bad-comment'
  | 'bad-name'
  | 'bad-type'
  | 'duplicate-type'
  | 'duplicate-help'
  | 'type-after-samples'
  | 'bad-labels'
  | 'bad-escape'
  | 'duplicate-label'
  | 'too-many-labels'
  | 'label-too-long'
  | 'bad-value'
  | 'bad-timestamp'
  | 'bad-bucket'
  | 'bad-quantile'
  | 'wrong-suffix'
  | 'too-many-samples';

export interface SkipCount {
  count: number;
  /** 1-based line number and a short explanation of the first line skipped for this reason. */
  firstLine: number;
  detail: string;
}

export interface Exposition {
  families: ExpositionFamily[];
  sampleCount: number;
  skipped: Map<SkipReason, SkipCount>;
}

export interface ParseLimits {
  maxLineLength: number;
  maxLabelsPerSample: number;
  maxLabelValueLength: number;
  /** Samples past this many are counted as 'too-many-samples' without being parsed. */
  maxSamples: number;
}

// Generous for real exporters (prom-client's default metrics are ~200 short lines), tight enough
// that a runaway label or a flood of series cannot swamp the store.
export const DEFAULT_LIMITS: ParseLimits = {
  maxLineLength: 64 * 1024,
  maxLabelsPerSample: 64,
  maxLabelValueLength: 4096,
  maxSamples: 20_000,
};

const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;
const INTEGER = /^-?\d{1,16}$/;
const MAX_DETAIL_CHARS = 80;

// Thrown from deep in a line's scan, and deliberately not an Error: no stack is captured, so a
// million bad lines cost about what a million good ones do (an Error each made that 100× slower).
class SkippedLine {
  constructor(
    readonly reason: SkipReason,
    readonly detail: string,
  ) {}
}

/** Parses exposition text. Never throws on content; what it cannot read is in `skipped`. */
export function parseExposition(text: string, limits: ParseLimits = DEFAULT_LIMITS): Exposition {
  const parser = new ExpositionParser(limits);
  let lineNumber = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    parser.line(text, start, end, lineNumber);
    start = end + 1;
  }
  return parser.result();
}

class ExpositionParser {
  private readonly families = new Map<string, ExpositionFamily>();
  private readonly skipped = new Map<SkipReason, SkipCount>();
  private readonly helped = new Set<string>();
  private readonly typed = new Set<string>();
  private sampleCount = 0;

  constructor(private readonly limits: ParseLimits) {}

  line(text: string, start: number, end: number, lineNumber: number): void {
    if (end - start > this.limits.maxLineLength) {
      this.skip(lineNumber, new SkippedLine('line-too-long', `${end - start} characters`));
      return;
    }
    let first = start;
    while (first < end && (text[first] === ' ' || text[first] === '\t')) first++;
    const isComment = text[first] === '#';
    // Past the limit, sample lines are only counted: a flood costs no parsing.
    if (!isComment && this.sampleCount >= this.limits.maxSamples && first < end && text.slice(first, end).trim() !== '') {
      this.skip(lineNumber, new SkippedLine('too-many-samples', `over ${this.limits.maxSamples}`));
      return;
    }
    const line = text.slice(first, end).trim();
    if (line === '') return;
    try {
      if (line.includes('\u0000')) throw new SkippedLine('binary', 'NUL byte');
      if (isComment) this.comment(line);
      else this.sample(line);
    } catch (error) {
      if (!(error instanceof SkippedLine)) throw error;
      this.skip(lineNumber, error);
    }
  }

  result(): Exposition {
    return { families: [...this.families.values()], sampleCount: this.sampleCount, skipped: this.skipped };
  }

  private skip(lineNumber: number, error: SkippedLine): void {
    const seen = this.skipped.get(error.reason);
    if (seen) seen.count++;
    else this.skipped.set(error.reason, { count: 1, firstLine: lineNumber, detail: clip(error.detail) });
  }

  /** `# HELP name text`, `# TYPE name type`, `# UNIT name unit`; any other comment is ignored. */
  private comment(line: string): void {
    const match = /^#[ \t]+(HELP|TYPE|UNIT)(?:[ \t]+(\S+)(?:[ \t]+(.*))?)?$/.exec(line);
    if (!match) return;
    const [, keyword, name, rest = ''] = match;
    if (name === undefined) throw new SkippedLine('bad-comment', `# ${keyword} without a metric name`);
    if (!METRIC_NAME.test(name)) throw new SkippedLine('bad-name', `# ${keyword} for "${name}"`);
    if (keyword === 'HELP') {
      if (this.helped.has(name)) throw new SkippedLine('duplicate-help', `second # HELP for ${name}`);
      this.helped.add(name);
      this.family(name).help = unescapeHelp(rest);
    } else if (keyword === 'TYPE') {
      const type = rest.trim();
      if (!TYPES.has(type)) throw new SkippedLine('bad-type', `"${type}" for ${name}`);
      if (this.typed.has(name)) throw new SkippedLine('duplicate-type', `second # TYPE for ${name}`);
      const family = this.family(name);
      if (family.samples.length > 0) throw new SkippedLine('type-after-samples', `# TYPE for ${name} after its samples`);
      this.typed.add(name);
      family.type = type as FamilyType;
    } else {
      this.family(name).unit = rest.trim();
    }
  }

  private sample(line: string): void {
    let i = 0;
    while (i < line.length && isNameChar(line.charCodeAt(i), i === 0)) i++;
    const name = line.slice(0, i);
    const after = line[i];
    if (name === '' || (after !== undefined && after !== '{' && after !== ' ' && after !== '\t')) {
      throw new SkippedLine('bad-name', `line starts with "${line.slice(0, 20)}"`);
    }
    i = skipBlanks(line, i);
    let labels: Record<string, string> = {};
    if (line[i] === '{') [labels, i] = this.labels(line, i + 1);
    const rest = line.slice(i).trim().split(/[ \t]+/);
    if (rest.length === 0 || rest[0] === '') throw new SkippedLine('bad-value', `no value for ${name}`);
    if (rest.length > 2) throw new SkippedLine('bad-value', `unexpected "${rest[2]}" after the value of ${name}`);
    const value = parseValue(rest[0]!);
    if (value === null) throw new SkippedLine('bad-value', `"${rest[0]}" for ${name} is not a number`);
    let timestampMs: number | null = null;
    if (rest[1] !== undefined) {
      timestampMs = INTEGER.test(rest[1]) ? Number(rest[1]) : null;
      if (timestampMs === null || !Number.isSafeInteger(timestampMs * 1000)) {
        throw new SkippedLine('bad-timestamp', `"${rest[1]}" for ${name} is not a timestamp in ms`);
      }
    }
    const family = this.familyOf(name, labels);
    family.samples.push({ name, labels, value, timestampMs });
    this.sampleCount++;
  }

  /** Reads `name="value", ...}` from `i` (just past the `{`); returns the labels and the index past `}`. */
  private labels(line: string, i: number): [Record<string, string>, number] {
    const labels: Record<string, string> = {};
    let count = 0;
    for (;;) {
      i = skipBlanks(line, i);
      if (line[i] === '}') return [labels, i + 1];
      const nameStart = i;
      while (i < line.length && isLabelNameChar(line.charCodeAt(i), i === nameStart)) i++;
      const labelName = line.slice(nameStart, i);
      if (labelName === '') throw new SkippedLine('bad-labels', `expected a label name at column ${i + 1}`);
      i = skipBlanks(line, i);
      if (line[i] !== '=') throw new SkippedLine('bad-labels', `expected = after label ${labelName}`);
      i = skipBlanks(line, i + 1);
      if (line[i] !== '"') throw new SkippedLine('bad-labels', `expected " to open the value of label ${labelName}`);
      const [value, next] = this.labelValue(line, i + 1, labelName);
      if (Object.hasOwn(labels, labelName)) throw new SkippedLine('duplicate-label', `label ${labelName} given twice`);
      if (++count > this.limits.maxLabelsPerSample) throw new SkippedLine('too-many-labels', `over ${this.limits.maxLabelsPerSample} labels`);
      setLabel(labels, labelName, value);
      i = skipBlanks(line, next);
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new SkippedLine('bad-labels', `expected , or } after label ${labelName}`);
    }
  }

  /** Reads a quoted label value from `i` (just past the opening quote); returns it and the index past the closing quote. */
  private labelValue(line: string, i: number, labelName: string): [string, number] {
    let value = '';
    let chunkStart = i;
    for (; i < line.length; i++) {
      const c = line[i];
      if (c === '"') {
        value += line.slice(chunkStart, i);
        if (value.length > this.limits.maxLabelValueLength) {
          throw new SkippedLine('label-too-long', `label ${labelName} has ${value.length} characters`);
        }
        return [value, i + 1];
      }
      if (c !== '\\') continue;
      value += line.slice(chunkStart, i);
      const escaped = line[i + 1];
      if (escaped === '\\' || escaped === '"') value += escaped;
      else if (escaped === 'n') value += '\n';
      else throw new SkippedLine('bad-escape', `\\${escaped ?? ''} in label ${labelName}`);
      i++;
      chunkStart = i + 1;
    }
    throw new SkippedLine('bad-labels', `label ${labelName} has no closing quote (truncated line?)`);
  }

  /** The family a sample belongs to: a histogram's or summary's by suffix, its own, or a new untyped one. */
  private familyOf(name: string, labels: Record<string, string>): ExpositionFamily {
    for (const suffix of ['_bucket', '_sum', '_count'] as const) {
      if (!name.endsWith(suffix)) continue;
      const base = this.families.get(name.slice(0, -suffix.length));
      if (base?.type === 'histogram') {
        if (suffix === '_bucket') checkBound(labels, 'le', 'bad-bucket', name);
        return base;
      }
      if (base?.type === 'summary' && suffix !== '_bucket') return base;
    }
    const own = this.family(name);
    if (own.type === 'histogram') throw new SkippedLine('wrong-suffix', `${name} is a histogram: samples end in _bucket, _sum or _count`);
    if (own.type === 'summary') checkBound(labels, 'quantile', 'bad-quantile', name);
    return own;
  }

  private family(name: string): ExpositionFamily {
    let family = this.families.get(name);
    if (!family) {
      family = { name, type: 'untyped', help: '', unit: '', samples: [] };
      this.families.set(name, family);
    }
    return family;
  }
}

// Plain objects keep V8's fast shapes (prototype-free ones are dictionaries, which profiled hot);
// only a label named __proto__ needs defining, as assignment would set the prototype instead.
function setLabel(labels: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') Object.defineProperty(labels, name, { value, enumerable: true, writable: true, configurable: true });
  else labels[name] = value;
}

/** Histogram `le` and summary `quantile` must be present and numeric (Prometheus refuses the scrape otherwise). */
function checkBound(labels: Record<string, string>, label: 'le' | 'quantile', reason: SkipReason, name: string): void {
  const bound = Object.hasOwn(labels, label) ? labels[label] : undefined;
  if (bound === undefined) throw new SkippedLine(reason, `${name} has no ${label} label`);
  const value = parseValue(bound);
  if (value === null || Number.isNaN(value)) throw new SkippedLine(reason, `${label}="${bound}" on ${name} is not a number`);
}

/** A Go ParseFloat-style value: decimal, NaN, ±Inf. Not JavaScript's Number(), which takes '' and '0x1f'. */
export function parseValue(text: string): number | null {
  if (DECIMAL.test(text)) return Number(text);
  const inf = INFINITY.exec(text);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  return null;
}

/** HELP text escapes only `\\` and `\n`; any other backslash stays as written. */
function unescapeHelp(text: string): string {
  return text.replace(/\\([\\n])/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

function skipBlanks(line: string, i: number): number {
  while (line[i] === ' ' || line[i] === '\t') i++;
  return i;
}

function isNameChar(code: number, first: boolean): boolean {
  return isLabelNameChar(code, first) || code === 58; // ':'
}

function isLabelNameChar(code: number, first: boolean): boolean {
  const letter = (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95; // A-Z a-z _
  return letter || (!first && code >= 48 && code <= 57);
}

/** Short and printable: details are shown to people and may quote hostile input. */
function clip(text: string): string {
  const printable = text.replace(/[\p{Cc}\ufffd]/gu, '?');
  return printable.length > MAX_DETAIL_CHARS ? `${printable.slice(0, MAX_DETAIL_CHARS)}…` : printable;
}
