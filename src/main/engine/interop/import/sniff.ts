// Which format a file holds, from its content (gzip already undone): the first JSON keys, or the
// protobuf tag pprof starts with. The file name only breaks ties and words the refusal. A JSON
// object whose head holds no deciding key (a trace whose traceEvents follows a large "metadata")
// is looked at again, streamed whole, for its top-level keys alone.
import { type JsonScanHandler, JsonScanError, JsonScanner } from '../../capture/heap/json-scanner';
import { ImportRefusal, refuse } from './refusal';

export type ForeignFormat = 'cpuprofile' | 'heapprofile' | 'heapsnapshot' | 'chrome-trace' | 'pprof' | 'otlp-json';

export const FORMAT_NAMES: Record<ForeignFormat, string> = {
  cpuprofile: 'V8 CPU profile (.cpuprofile)',
  heapprofile: 'V8 sampling heap profile (.heapprofile)',
  heapsnapshot: 'V8 heap snapshot (.heapsnapshot)',
  'chrome-trace': 'Chrome trace (Trace Event JSON)',
  pprof: 'pprof profile',
  'otlp-json': 'OTLP JSON',
};

/** How a refusal names the format it expected ("not a Chrome trace"). */
const SHORT_NAMES: Record<ForeignFormat, string> = {
  cpuprofile: 'V8 CPU profile',
  heapprofile: 'V8 heap profile',
  heapsnapshot: 'V8 heap snapshot',
  'chrome-trace': 'Chrome trace',
  pprof: 'pprof profile',
  'otlp-json': 'OTLP JSON file',
};

const EXPECTED: Record<ForeignFormat, string> = {
  cpuprofile: 'expected a JSON object with nodes, samples and timeDeltas',
  heapprofile: 'expected a JSON object with head and samples',
  heapsnapshot: 'expected a JSON object with snapshot, nodes, edges and strings',
  'chrome-trace': 'expected an array or an object with traceEvents',
  pprof: 'expected a protobuf Profile message, gzipped or plain',
  'otlp-json': 'expected a JSON object with resourceSpans, resourceLogs or resourceMetrics',
};

/** The keys formatOfShape looks for (kept however many other keys come first). */
const DECIDING_KEYS = new Set(['ph', 'name', 'ts', 'traceEvents', 'snapshot', 'nodes', 'head', 'samples', 'timeDeltas', 'startTime', 'resourceSpans', 'resourceLogs', 'resourceMetrics']);
/** Keys kept to describe a file that is refused. */
const DESCRIBED_KEYS = 64;

/**
 * The refusal of a JSON object whose head ended before any deciding key: the caller may look at
 * the whole file's top-level keys instead (sniffTopLevelKeys), or pass the refusal on.
 */
export class UndecidedHead extends ImportRefusal {}

const NOT_RECOGNISED =
  'not a format Parallax imports (expected a .parallax bundle, .cpuprofile, .heapprofile, .heapsnapshot, Chrome trace JSON, pprof or OTLP JSON file)';

/** The format of a file whose (inflated) content starts with `head`; refuses with what it found. */
export function sniffFormat(head: Buffer, fileName: string): ForeignFormat {
  const hinted = formatOfName(fileName);
  const first = firstNonSpace(head);
  if (first === undefined) refuse('the file holds only white space');
  if (first === 0x7b /* { */ || first === 0x5b /* [ */) {
    const shape = jsonShape(head);
    const found = formatOfShape(shape);
    if (found) return found;
    const refusal = refusalOf(shape, hinted);
    throw shape.kind === 'object' && shape.cut ? new UndecidedHead(refusal) : new ImportRefusal(refusal);
  }
  // pprof writes sample_type (field 1, length-delimited) first: tag byte 0x0a.
  if (head[0] === 0x0a || hinted === 'pprof') return 'pprof';
  const start = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  if (hinted) refuse(`not a ${SHORT_NAMES[hinted]} (${EXPECTED[hinted]}; it starts with bytes ${start})`);
  refuse(`${NOT_RECOGNISED}; it starts with bytes ${start}`);
}

/**
 * The format of a JSON object from all its top-level keys, streamed from `chunks` (the whole
 * inflated file) and stopping at the first key that decides; holds only the key being read.
 */
export async function sniffTopLevelKeys(chunks: AsyncIterable<Buffer>, fileName: string): Promise<ForeignFormat> {
  const shape: JsonShape = { kind: 'object', keys: [], deciding: new Set(), firstElement: null, cut: true };
  const scanner: JsonScanner = new JsonScanner(shapeReader(shape, (): number => scanner.depth), 256);
  try {
    for await (const chunk of chunks) {
      scanner.write(chunk);
      const found = formatOfShape(shape);
      if (found) return found;
    }
    scanner.end();
  } catch (error) {
    if (!(error instanceof JsonScanError)) throw error;
    // Not JSON past the head: the keys seen so far decide, as they would in the head.
    const found = formatOfShape(shape);
    if (found) return found;
  }
  shape.cut = false;
  refuse(refusalOf(shape, formatOfName(fileName)));
}

function refusalOf(shape: JsonShape, hinted: ForeignFormat | null): string {
  const what = describeShape(shape);
  if (hinted && hinted !== 'pprof') return `not a ${SHORT_NAMES[hinted]} (${EXPECTED[hinted]}; ${what})`;
  return `${NOT_RECOGNISED}; ${what}`;
}

function formatOfName(fileName: string): ForeignFormat | null {
  const name = fileName.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.cpuprofile')) return 'cpuprofile';
  if (name.endsWith('.heapprofile')) return 'heapprofile';
  if (name.endsWith('.heapsnapshot')) return 'heapsnapshot';
  if (/\.(pb|pprof|prof)$/.test(name)) return 'pprof';
  if (/^node_trace\.\d+\.log$/.test(name) || /\.(json|trace)$/.test(name)) return 'chrome-trace';
  return null;
}

interface JsonShape {
  kind: 'object' | 'array';
  /** Keys of the top-level object, or of the array's first element when it is an object (the first DESCRIBED_KEYS). */
  keys: string[];
  /** The DECIDING_KEYS among them, however far in. */
  deciding: Set<string>;
  firstElement: 'object' | 'array' | 'scalar' | null;
  /** The head ended inside the top-level value. */
  cut: boolean;
}

function formatOfShape(shape: JsonShape): ForeignFormat | null {
  const has = (key: string): boolean => shape.deciding.has(key);
  if (shape.kind === 'array') {
    if (shape.firstElement === null) return 'chrome-trace';
    return shape.firstElement === 'object' && (has('ph') || (has('name') && has('ts'))) ? 'chrome-trace' : null;
  }
  if (has('traceEvents')) return 'chrome-trace';
  if (has('snapshot') && (has('nodes') || shape.keys[0] === 'snapshot')) return 'heapsnapshot';
  if (has('head')) return 'heapprofile';
  if (has('nodes') && (has('samples') || has('timeDeltas') || has('startTime') || shape.keys[0] === 'nodes')) return 'cpuprofile';
  if (has('resourceSpans') || has('resourceLogs') || has('resourceMetrics')) return 'otlp-json';
  return null;
}

function describeShape(shape: JsonShape): string {
  if (shape.kind === 'array') {
    if (shape.firstElement !== 'object') return `it is a JSON array of ${shape.firstElement === 'array' ? 'arrays' : 'plain values'}`;
    return `it is a JSON array of objects with keys ${listKeys(shape.keys)}`;
  }
  return shape.keys.length === 0 ? 'it is an empty JSON object' : `it is a JSON object with keys ${listKeys(shape.keys)}`;
}

function listKeys(keys: string[]): string {
  const shown = keys.slice(0, 6).map((k) => JSON.stringify(k.slice(0, 40)));
  return shown.join(', ') + (keys.length > 6 ? ', ...' : '');
}

function firstNonSpace(head: Buffer): number | undefined {
  for (const b of head) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  return undefined;
}

/** Reads the top-level keys (or the first element's keys) from as much of the document as `head` holds. */
function jsonShape(head: Buffer): JsonShape {
  const shape: JsonShape = { kind: 'object', keys: [], deciding: new Set(), firstElement: null, cut: false };
  const scanner: JsonScanner = new JsonScanner(shapeReader(shape, (): number => scanner.depth), 256);
  try {
    scanner.write(head);
    shape.cut = scanner.depth > 0;
  } catch {
    // The file is not JSON past this point: the keys seen so far decide.
  }
  return shape;
}

function shapeReader(shape: JsonShape, depth: () => number): JsonScanHandler {
  let elements = 0;
  const keyDepth = (): number => (shape.kind === 'array' ? 2 : 1);
  return {
    open(kind) {
      const d = depth();
      if (d === 1) shape.kind = kind;
      else if (d === 2 && shape.kind === 'array' && elements++ === 0) shape.firstElement = kind;
    },
    close() {},
    key(name) {
      if (depth() !== keyDepth() || (shape.kind !== 'object' && elements !== 1)) return;
      if (shape.keys.length < DESCRIBED_KEYS) shape.keys.push(name);
      if (DECIDING_KEYS.has(name)) shape.deciding.add(name);
    },
    wantsString: () => false,
    string() {},
    skippedString() {
      if (depth() === 1 && shape.kind === 'array' && elements++ === 0) shape.firstElement = 'scalar';
    },
    number() {
      if (depth() === 1 && shape.kind === 'array' && elements++ === 0) shape.firstElement = 'scalar';
    },
    literal() {
      if (depth() === 1 && shape.kind === 'array' && elements++ === 0) shape.firstElement = 'scalar';
    },
  };
}
