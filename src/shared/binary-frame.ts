// A reply that carries typed arrays, as one binary WebSocket frame: a fixed header, a JSON part (the
// result with each typed array left as null, plus where each one goes), then the arrays' bytes, each
// 8-byte aligned so the reader makes views on the frame's buffer instead of copying or parsing.
//
//   0  u32  magic 'PLXB'          16  u32  JSON part's byte length (J)
//   4  u16  version (1)           20  u32  payload's byte length (P)
//   6  u16  flags (0)             24  J bytes of UTF-8 JSON, zero-padded to a multiple of 8
//   8  f64  request id            24 + pad8(J)  P bytes of array data; the frame ends there
//
// Numbers are little-endian; the arrays are in the writer's byte order, which must be little-endian too.

/** 'PLXB' read as a little-endian u32. */
export const BINARY_FRAME_MAGIC = 0x42584c50;
export const BINARY_FRAME_VERSION = 1;
export const BINARY_FRAME_HEADER_BYTES = 24;

const ARRAY_KINDS = {
  i8: Int8Array,
  u8: Uint8Array,
  i16: Int16Array,
  u16: Uint16Array,
  i32: Int32Array,
  u32: Uint32Array,
  f32: Float32Array,
  f64: Float64Array,
} as const;

type ArrayKind = keyof typeof ARRAY_KINDS;
type FrameArray = InstanceType<(typeof ARRAY_KINDS)[ArrayKind]>;
type PathStep = string | number;

/** Where one typed array goes in the result, and where its bytes are in the payload. */
interface ArrayPlacement {
  path: PathStep[];
  kind: ArrayKind;
  /** Bytes from the payload's start; a multiple of 8. */
  offset: number;
  length: number;
}

interface JsonPart {
  result: unknown;
  arrays: ArrayPlacement[];
}

export type DecodedFrame = { ok: true; id: number; result: unknown } | { ok: false; id: number | null; problem: string };

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function kindOf(array: ArrayBufferView): ArrayKind | null {
  for (const [kind, Kind] of Object.entries(ARRAY_KINDS) as [ArrayKind, (typeof ARRAY_KINDS)[ArrayKind]][]) {
    if (array instanceof Kind) return kind;
  }
  return null;
}

function pad8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** Every typed array in `value`, with its path, in the order a depth-first walk meets them. */
function findArrays(value: unknown): { path: PathStep[]; array: FrameArray; kind: ArrayKind }[] {
  const found: { path: PathStep[]; array: FrameArray; kind: ArrayKind }[] = [];
  const path: PathStep[] = [];
  const visit = (node: object): void => {
    if (ArrayBuffer.isView(node)) {
      const kind = kindOf(node);
      if (!kind) throw new Error(`a ${node.constructor.name} cannot be sent`);
      found.push({ path: [...path], array: node as FrameArray, kind });
      return;
    }
    // Arrays of numbers are passed over without allocating.
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item === 'object' && item !== null) step(i, item);
      }
      return;
    }
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      const item: unknown = (node as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null) step(key, item);
    }
  };
  const step = (key: PathStep, item: object): void => {
    path.push(key);
    visit(item);
    path.pop();
  };
  if (typeof value === 'object' && value !== null) visit(value);
  return found;
}

/**
 * The binary frame of a reply whose result holds typed arrays; null when it holds none (send it as
 * JSON text). Throws when the result holds a kind of array the frame cannot carry.
 */
export function encodeBinaryReply(id: number, result: unknown): Uint8Array | null {
  const found = findArrays(result);
  if (found.length === 0) return null;
  if (!littleEndian) throw new Error('binary replies need a little-endian host');
  const arrays: ArrayPlacement[] = [];
  let payloadBytes = 0;
  for (const { path, array, kind } of found) {
    arrays.push({ path, kind, offset: payloadBytes, length: array.length });
    payloadBytes = pad8(payloadBytes + array.byteLength);
  }
  const json = new TextEncoder().encode(JSON.stringify({ result, arrays }, (_key, value: unknown) => (ArrayBuffer.isView(value) ? null : value)));
  const payloadStart = BINARY_FRAME_HEADER_BYTES + pad8(json.length);
  const frame = new Uint8Array(payloadStart + payloadBytes);
  const header = new DataView(frame.buffer);
  header.setUint32(0, BINARY_FRAME_MAGIC, true);
  header.setUint16(4, BINARY_FRAME_VERSION, true);
  header.setUint16(6, 0, true);
  header.setFloat64(8, id, true);
  header.setUint32(16, json.length, true);
  header.setUint32(20, payloadBytes, true);
  frame.set(json, BINARY_FRAME_HEADER_BYTES);
  found.forEach(({ array }, i) => frame.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), payloadStart + arrays[i]!.offset));
  return frame;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlacement(value: unknown): value is ArrayPlacement {
  if (!isRecord(value) || !Array.isArray(value.path) || value.path.length === 0) return false;
  if (!value.path.every((step) => typeof step === 'string' || (Number.isInteger(step) && (step as number) >= 0))) return false;
  return typeof value.kind === 'string' && Object.hasOwn(ARRAY_KINDS, value.kind) && Number.isSafeInteger(value.offset) && Number.isSafeInteger(value.length);
}

/** Puts `array` where `path` says, in place of the null the writer left there; false when no such null slot exists. */
function place(root: unknown, path: PathStep[], array: FrameArray): boolean {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const step = path[i]!;
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, step)) return false;
    node = (node as Record<PathStep, unknown>)[step];
  }
  const last = path[path.length - 1]!;
  if (typeof node !== 'object' || node === null || last === '__proto__' || !Object.hasOwn(node, last)) return false;
  const slot = node as Record<PathStep, unknown>;
  if (slot[last] !== null) return false;
  slot[last] = array;
  return true;
}

/**
 * Reads a binary reply frame. Never throws: a frame that is not one (truncated, wrong magic or
 * version, bad JSON, arrays out of bounds or misplaced) gives a problem in words, with the request
 * id when the header was intact enough to read it.
 */
export function decodeBinaryReply(buffer: ArrayBuffer): DecodedFrame {
  const fail = (id: number | null, problem: string): DecodedFrame => ({ ok: false, id, problem });
  if (buffer.byteLength < BINARY_FRAME_HEADER_BYTES) return fail(null, `the frame is ${buffer.byteLength} bytes, shorter than its ${BINARY_FRAME_HEADER_BYTES}-byte header`);
  const header = new DataView(buffer);
  if (header.getUint32(0, true) !== BINARY_FRAME_MAGIC) return fail(null, 'the frame does not start with the binary reply mark');
  const version = header.getUint16(4, true);
  if (version !== BINARY_FRAME_VERSION) return fail(null, `the frame is version ${version}; this window reads version ${BINARY_FRAME_VERSION}`);
  const rawId = header.getFloat64(8, true);
  if (!Number.isSafeInteger(rawId)) return fail(null, 'the frame carries no integer request id');
  const id = rawId;
  if (!littleEndian) return fail(id, 'binary replies need a little-endian computer');
  const jsonBytes = header.getUint32(16, true);
  const payloadBytes = header.getUint32(20, true);
  const payloadStart = BINARY_FRAME_HEADER_BYTES + pad8(jsonBytes);
  if (payloadStart + payloadBytes !== buffer.byteLength) {
    return fail(id, `the frame is ${buffer.byteLength} bytes but its header describes ${payloadStart + payloadBytes} (truncated or padded)`);
  }
  let part: unknown;
  try {
    part = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(buffer, BINARY_FRAME_HEADER_BYTES, jsonBytes)));
  } catch {
    return fail(id, 'its JSON part is not valid UTF-8 JSON');
  }
  if (!isRecord(part) || !('result' in part) || !Array.isArray(part.arrays)) return fail(id, 'its JSON part is not {result, arrays}');
  const { result } = part as unknown as JsonPart;
  for (const placement of part.arrays as unknown[]) {
    if (!isPlacement(placement)) return fail(id, 'an array placement is malformed');
    const Kind = ARRAY_KINDS[placement.kind];
    const { offset, length } = placement;
    if (offset < 0 || offset % 8 !== 0 || length < 0 || offset + length * Kind.BYTES_PER_ELEMENT > payloadBytes) {
      return fail(id, `the ${placement.kind} array at ${placement.path.join('.')} lies outside the payload`);
    }
    if (!place(result, placement.path, new Kind(buffer, payloadStart + offset, length))) {
      return fail(id, `the array path ${placement.path.join('.')} does not lead to a place in the result`);
    }
  }
  return { ok: true, id, result };
}
