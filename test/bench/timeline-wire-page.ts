// Runs inside the bench page (bundled by timeline-wire.ts): asks the host for timeline answers over
// its own socket and times the window's own decoding of each frame and its track layout.
import { parseIncoming, parseIncomingBinary } from '../../src/renderer/api/wire-message';
import { layoutTimeline } from '../../src/renderer/canvas/timeline-layout';
import type { TimelineAnswer, TimelineQuery } from '../../src/shared/timeline';

function decode(data: string | ArrayBuffer): TimelineAnswer {
  const message = typeof data === 'string' ? parseIncoming(data) : parseIncomingBinary(data);
  if (!message || message.kind !== 'result') throw new Error('the frame is not a result');
  return message.result as TimelineAnswer;
}

function layout(answer: TimelineAnswer): number {
  return layoutTimeline(answer, { collapsed: new Set(), expanded: new Set() }, new Map()).tracks.length;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

interface MeasureRequest {
  cases: { name: string; query: TimelineQuery }[];
  sessionId: string;
  runs: number;
}

async function measure({ cases, sessionId, runs }: MeasureRequest): Promise<unknown[]> {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const socket = new WebSocket(`ws://${location.host}/api?token=${encodeURIComponent(token)}`);
  socket.binaryType = 'arraybuffer';
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  const out = [];
  let id = 1_000_000;
  for (const one of cases) {
    const myId = id++;
    const data = await new Promise<string | ArrayBuffer>((resolve) => {
      socket.onmessage = (event: MessageEvent<string | ArrayBuffer>) => {
        // Pushed events are text without an id; a binary frame is always a reply.
        if (typeof event.data !== 'string' || (JSON.parse(event.data) as { id?: number }).id === myId) resolve(event.data);
      };
      socket.send(JSON.stringify({ id: myId, method: 'getTimeline', params: [sessionId, one.query] }));
    });
    const decodes: number[] = [];
    const layouts: number[] = [];
    for (let run = 0; run < runs; run++) {
      const t0 = performance.now();
      const answer = decode(data);
      const t1 = performance.now();
      layout(answer);
      decodes.push(t1 - t0);
      layouts.push(performance.now() - t1);
    }
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data).length : data.byteLength;
    out.push({ name: one.name, bytes, binary: typeof data !== 'string', firstDecodeMs: decodes[0]!, decodeMs: median(decodes), layoutMs: median(layouts) });
  }
  socket.close();
  return out;
}

(globalThis as unknown as { timelineWire: unknown }).timelineWire = { measure };
