// Binary reply frames: typed arrays round-trip as views on the frame, and any frame that is not one
// (truncated, padded, wrong mark or version, bad JSON, arrays out of bounds or misplaced) is refused in words.
import { describe, expect, it } from 'vitest';
import { BINARY_FRAME_HEADER_BYTES, decodeBinaryReply, encodeBinaryReply } from '../../src/shared/binary-frame';
import { parseIncomingBinary } from '../../src/renderer/api/wire-message';

const result = {
  range: { fromUs: 1_700_000_000_000_000, toUs: 1_700_000_001_000_000 },
  slices: [
    { threadId: 0, depth: Int32Array.from([0, 1, 1]), startUs: Float64Array.from([1_700_000_000_000_001, 2, 3]), merged: Int32Array.from([1, 1, 7]) },
    { threadId: 4, depth: new Int32Array(0), startUs: new Float64Array(0), merged: new Int32Array(0) },
  ],
  events: { kind: Uint8Array.from([0, 7, 3]), names: ['MinorGC', 'é ✓'], count: Int32Array.from([1, 2, 3]) },
  spanDensity: Int32Array.from([0, 5, 0, 9]),
  logs: null,
  spans: [{ spanId: 'a', name: 'GET /', parentSpanId: null }],
};

/** A frame's bytes as a fresh ArrayBuffer, as a WebSocket with binaryType 'arraybuffer' hands it over. */
function arrived(frame: Uint8Array): ArrayBuffer {
  return frame.slice().buffer;
}

/** A copy of a frame with its JSON part replaced (header lengths fixed up, payload kept). */
function withJson(frame: Uint8Array, edit: (part: { result: unknown; arrays: { path: (string | number)[]; kind: string; offset: number; length: number }[] }) => unknown): ArrayBuffer {
  const view = new DataView(frame.buffer, frame.byteOffset);
  const jsonBytes = view.getUint32(16, true);
  const payloadBytes = view.getUint32(20, true);
  const payloadStart = BINARY_FRAME_HEADER_BYTES + Math.ceil(jsonBytes / 8) * 8;
  const part = JSON.parse(new TextDecoder().decode(frame.subarray(BINARY_FRAME_HEADER_BYTES, BINARY_FRAME_HEADER_BYTES + jsonBytes)));
  const json = new TextEncoder().encode(JSON.stringify(edit(part)));
  const start = BINARY_FRAME_HEADER_BYTES + Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(start + payloadBytes);
  out.set(frame.subarray(0, BINARY_FRAME_HEADER_BYTES));
  new DataView(out.buffer).setUint32(16, json.length, true);
  out.set(json, BINARY_FRAME_HEADER_BYTES);
  out.set(frame.subarray(payloadStart), start);
  return out.buffer;
}

describe('binary reply frames', () => {
  it('round-trips typed arrays as views on the frame and everything else as JSON', () => {
    const frame = encodeBinaryReply(42, result)!;
    expect(frame.byteLength % 8).toBe(0);
    const decoded = decodeBinaryReply(arrived(frame));
    expect(decoded).toEqual({ ok: true, id: 42, result });
    if (!decoded.ok) return;
    const back = decoded.result as typeof result;
    expect(back.slices[0]!.startUs).toBeInstanceOf(Float64Array);
    expect(back.slices[0]!.startUs[0]).toBe(1_700_000_000_000_001);
    expect(back.events.kind).toBeInstanceOf(Uint8Array);
    expect(back.events.names[1]).toBe('é ✓');
    // Views, not copies: every array shares the one frame buffer.
    expect(back.spanDensity.buffer).toBe(back.slices[0]!.depth.buffer);
    expect(back.spanDensity.byteOffset % 8).toBe(0);
  });

  it('leaves results without typed arrays to JSON text, and refuses arrays it cannot carry', () => {
    expect(encodeBinaryReply(1, { a: [1, 2, 3], b: null })).toBeNull();
    expect(encodeBinaryReply(1, 'text')).toBeNull();
    expect(() => encodeBinaryReply(1, { big: new BigInt64Array(2) })).toThrow(/BigInt64Array cannot be sent/);
  });

  it('refuses a frame truncated at any length, naming the request once its header is whole', () => {
    const frame = encodeBinaryReply(7, result)!;
    for (let length = 0; length < frame.byteLength; length++) {
      const decoded = decodeBinaryReply(arrived(frame.subarray(0, length)));
      expect(decoded.ok).toBe(false);
      if (decoded.ok) continue;
      expect(decoded.problem.length).toBeGreaterThan(10);
      expect(decoded.id).toBe(length < BINARY_FRAME_HEADER_BYTES ? null : 7);
    }
    const padded = new Uint8Array(frame.byteLength + 8);
    padded.set(frame);
    expect(decodeBinaryReply(padded.buffer)).toMatchObject({ ok: false, id: 7, problem: expect.stringMatching(/truncated or padded/) });
  });

  it('refuses a wrong mark, an unknown version or a request id that is not an integer', () => {
    const frame = encodeBinaryReply(7, result)!;
    const edited = (at: number, write: (view: DataView) => void): ArrayBuffer => {
      const copy = frame.slice();
      write(new DataView(copy.buffer, at));
      return copy.buffer;
    };
    expect(decodeBinaryReply(edited(0, (v) => v.setUint32(0, 0x7b226964)))).toMatchObject({ ok: false, id: null, problem: expect.stringMatching(/mark/) });
    expect(decodeBinaryReply(edited(4, (v) => v.setUint16(0, 2, true)))).toMatchObject({ ok: false, id: null, problem: expect.stringMatching(/version 2/) });
    expect(decodeBinaryReply(edited(8, (v) => v.setFloat64(0, 1.5, true)))).toMatchObject({ ok: false, id: null });
    expect(decodeBinaryReply(edited(8, (v) => v.setFloat64(0, NaN, true)))).toMatchObject({ ok: false, id: null });
  });

  it('refuses a JSON part that is not UTF-8 JSON of the right shape', () => {
    const frame = encodeBinaryReply(3, result)!;
    const garbled = frame.slice();
    garbled[BINARY_FRAME_HEADER_BYTES] = 0xff;
    expect(decodeBinaryReply(garbled.buffer)).toMatchObject({ ok: false, id: 3, problem: expect.stringMatching(/not valid UTF-8 JSON/) });
    expect(decodeBinaryReply(withJson(frame, () => [1, 2]))).toMatchObject({ ok: false, problem: expect.stringMatching(/not \{result, arrays\}/) });
    expect(decodeBinaryReply(withJson(frame, (p) => ({ ...p, arrays: [{ path: [], kind: 'f64', offset: 0, length: 1 }] })))).toMatchObject({ ok: false, problem: expect.stringMatching(/placement is malformed/) });
    expect(decodeBinaryReply(withJson(frame, (p) => ({ ...p, arrays: [{ path: ['logs'], kind: 'f128', offset: 0, length: 1 }] })))).toMatchObject({ ok: false, problem: expect.stringMatching(/placement is malformed/) });
  });

  it('refuses arrays that lie outside the payload or out of alignment', () => {
    const frame = encodeBinaryReply(3, result)!;
    const moved = (change: { offset?: number; length?: number }): ArrayBuffer =>
      withJson(frame, (p) => ({ ...p, arrays: p.arrays.map((a, i) => (i === 0 ? { ...a, ...change } : a)) }));
    expect(decodeBinaryReply(moved({ length: 1_000_000 }))).toMatchObject({ ok: false, problem: expect.stringMatching(/outside the payload/) });
    expect(decodeBinaryReply(moved({ offset: 4 }))).toMatchObject({ ok: false, problem: expect.stringMatching(/outside the payload/) });
    expect(decodeBinaryReply(moved({ offset: -8 }))).toMatchObject({ ok: false, problem: expect.stringMatching(/outside the payload/) });
  });

  it('places arrays only into the null slots the writer left, never onto prototypes or over data', () => {
    const frame = encodeBinaryReply(3, result)!;
    const aimed = (path: (string | number)[]): ArrayBuffer => withJson(frame, (p) => ({ ...p, arrays: [{ ...p.arrays[0]!, path }] }));
    for (const path of [['__proto__'], ['range', 'fromUs'], ['nowhere', 'deeper'], ['spans', 5], ['spans', 0, 'name'], ['constructor', 'prototype', 'x']]) {
      expect(decodeBinaryReply(aimed(path))).toMatchObject({ ok: false, problem: expect.stringMatching(/does not lead to a place/) });
    }
    // Two arrays for one slot: the second finds it taken.
    const twice = withJson(frame, (p) => ({ ...p, arrays: [p.arrays[0]!, p.arrays[0]!] }));
    expect(decodeBinaryReply(twice)).toMatchObject({ ok: false, problem: expect.stringMatching(/does not lead to a place/) });
    expect(({} as Record<string, unknown>).length).toBeUndefined();
  });

  it('reaches the window as a result or as a malformed reply naming its request', () => {
    const frame = encodeBinaryReply(9, result)!;
    expect(parseIncomingBinary(arrived(frame))).toMatchObject({ kind: 'result', id: 9 });
    expect(parseIncomingBinary(arrived(frame.subarray(0, 40)))).toMatchObject({ kind: 'malformed', id: 9 });
    expect(parseIncomingBinary(new ArrayBuffer(3))).toMatchObject({ kind: 'malformed', id: null });
  });
});
