// The timeline's slice pixels: frame colours computed without the canvas, blending, and slice order per depth.
import { describe, expect, it } from 'vitest';
import { frameFill, frameRgb } from '../../../src/renderer/canvas/flame-colors';
import { rgbWord } from '../../../src/renderer/canvas/pixel-rects';
import { indexSlices } from '../../../src/renderer/canvas/timeline-layout';
import type { FrameKind } from '../../../src/shared/domain';

/** The textbook chroma form of HSL -> RGB, independent of the one under test. */
function parseHsl(css: string): [number, number, number] {
  const match = /^hsl\(([\d.]+) ([\d.]+)% ([\d.]+)%\)$/.exec(css);
  if (!match) throw new Error(`not an hsl() colour: ${css}`);
  const h = Number(match[1]);
  const s = Number(match[2]) / 100;
  const l = Number(match[3]) / 100;
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

describe('slice pixels', () => {
  it('gives each frame the colour its hsl() fill names', () => {
    for (const kind of ['app', 'library', 'node', 'runtime'] as FrameKind[]) {
      for (const name of ['handleOrder', 'parse', '', 'node:internal/streams', 'fn1234_render']) {
        const [r, g, b] = frameRgb(kind, name);
        const [er, eg, eb] = parseHsl(frameFill(kind, name));
        expect(Math.abs(r - er)).toBeLessThanOrEqual(1);
        expect(Math.abs(g - eg)).toBeLessThanOrEqual(1);
        expect(Math.abs(b - eb)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('packs colours as little-endian RGBA words and blends over another word', () => {
    expect(rgbWord([0x12, 0x34, 0x56])).toBe(0xff563412);
    const black = rgbWord([0, 0, 0]);
    expect(rgbWord([255, 255, 255], black, 0.6)).toBe(rgbWord([153, 153, 153]));
    expect(rgbWord([200, 100, 0], rgbWord([0, 100, 200]), 0.5)).toBe(rgbWord([100, 100, 100]));
  });

  it('orders each depth by start time whether or not the answer did', () => {
    const slices = {
      threadId: 1,
      depth: Int32Array.from([0, 1, 0, 1, 0]),
      startUs: Float64Array.from([30, 5, 10, 40, 20]),
      endUs: Float64Array.from([40, 10, 20, 50, 30]),
      functionId: new Int32Array(5),
      merged: Int32Array.from([1, 1, 1, 1, 1]),
      maxDepth: 2,
      sampleCount: 5,
      sampleStride: 1,
    };
    const index = indexSlices(slices);
    expect([...index.byDepth[0]!]).toEqual([2, 4, 0]);
    expect([...index.byDepth[1]!]).toEqual([1, 3]);
  });
});
