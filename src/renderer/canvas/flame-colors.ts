// Frame fills by FrameKind, with a small per-name shift so neighbouring frames stay distinct.
import type { FrameKind } from '../../shared/domain';

const KIND_HUE: Record<FrameKind, { hue: number; sat: number; light: number }> = {
  app: { hue: 32, sat: 78, light: 62 },
  library: { hue: 262, sat: 52, light: 70 },
  node: { hue: 150, sat: 42, light: 58 },
  runtime: { hue: 215, sat: 12, light: 62 },
};

export const FRAME_KIND_LABEL: Record<FrameKind, string> = {
  app: 'App',
  library: 'Library',
  node: 'Node.js',
  runtime: 'V8 / runtime',
};

function hashName(name: string): number {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) / 4294967296;
}

function frameHsl(kind: FrameKind, name: string): { hue: number; sat: number; light: number } {
  const base = KIND_HUE[kind] ?? KIND_HUE.runtime;
  const jitter = hashName(name) - 0.5;
  return { hue: Number((base.hue + jitter * 16).toFixed(1)), sat: base.sat, light: Number((base.light + jitter * 10).toFixed(1)) };
}

export function frameFill(kind: FrameKind, name: string): string {
  const { hue, sat, light } = frameHsl(kind, name);
  return `hsl(${hue.toFixed(1)} ${sat}% ${light.toFixed(1)}%)`;
}

/** frameFill as 0-255 red, green and blue, for drawing pixels without asking the canvas to parse a colour. */
export function frameRgb(kind: FrameKind, name: string): [number, number, number] {
  const { hue, sat, light } = frameHsl(kind, name);
  const s = sat / 100;
  const l = light / 100;
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): number => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}

/** The swatch for a legend. */
export function kindSwatch(kind: FrameKind): string {
  const base = KIND_HUE[kind];
  return `hsl(${base.hue} ${base.sat}% ${base.light}%)`;
}
