// Opaque rectangles written straight into pixels, for layers of thousands of them (the timeline's CPU
// slices): as canvas paths each frame they cost more to record and to rasterise (antialiased, in
// software where there is no GPU) than writing their pixels and putting them in one call.

/** A region of device pixels being painted; `pixels` views `image.data` as 0xAABBGGRR words. */
export interface PixelRegion {
  image: ImageData;
  pixels: Uint32Array;
  /** Where the region goes on the canvas, in device pixels. */
  left: number;
  top: number;
  /** Device pixels per CSS pixel. */
  ratio: number;
}

const images = new Map<string, { image: ImageData; pixels: Uint32Array }>();
const colors = new Map<string, number>();
let probe: CanvasRenderingContext2D | null = null;

/** A region of the canvas in CSS pixels, to be painted then put; null when it has no pixels. */
export function beginRegion(context: CanvasRenderingContext2D, x: number, y: number, width: number, height: number, background: number): PixelRegion | null {
  const ratio = context.getTransform().a || 1;
  const left = Math.round(x * ratio);
  const top = Math.round(y * ratio);
  const w = Math.round((x + width) * ratio) - left;
  const h = Math.round((y + height) * ratio) - top;
  if (w <= 0 || h <= 0) return null;
  // One buffer per size, reused frame after frame: a track's region is the same size while it pans and zooms.
  const key = `${w}x${h}`;
  let held = images.get(key);
  if (!held) {
    if (images.size > 16) images.clear();
    const image = new ImageData(w, h);
    held = { image, pixels: new Uint32Array(image.data.buffer) };
    images.set(key, held);
  }
  held.pixels.fill(background);
  return { ...held, left, top, ratio };
}

/** Fills a rectangle given in CSS pixels relative to the canvas; at least one device pixel wide. */
export function fillRegionRect(region: PixelRegion, x: number, y: number, width: number, height: number, color: number): void {
  const { image, pixels, ratio } = region;
  const x0 = Math.max(0, Math.round(x * ratio) - region.left);
  const x1 = Math.min(image.width, Math.max(Math.round((x + width) * ratio) - region.left, x0 + 1));
  const y0 = Math.max(0, Math.round(y * ratio) - region.top);
  const y1 = Math.min(image.height, Math.round((y + height) * ratio) - region.top);
  if (x1 <= x0 || y1 <= y0) return;
  const stride = image.width;
  for (let row = y0; row < y1; row++) pixels.fill(color, row * stride + x0, row * stride + x1);
}

export function putRegion(context: CanvasRenderingContext2D, region: PixelRegion): void {
  context.putImageData(region.image, region.left, region.top);
}

/** Red, green and blue (0-255) as an opaque pixel word, optionally drawn at `alpha` over the pixel word `under`. */
export function rgbWord([r, g, b]: readonly [number, number, number], under?: number, alpha = 1): number {
  const mix = (value: number, shift: number): number => (under === undefined ? value : Math.round(value * alpha + ((under >>> shift) & 0xff) * (1 - alpha)));
  return (0xff000000 | (mix(b, 16) << 16) | (mix(g, 8) << 8) | mix(r, 0)) >>> 0;
}

/** A CSS colour as an opaque pixel word, optionally drawn at `alpha` over `under` (resolved by the canvas itself). */
export function pixelColor(color: string, under?: string, alpha = 1): number {
  const key = under === undefined ? color : `${color}\u0000${under}\u0000${alpha}`;
  let word = colors.get(key);
  if (word !== undefined) return word;
  if (!probe) {
    const canvas = document.createElement('canvas');
    canvas.width = 1;
    canvas.height = 1;
    probe = canvas.getContext('2d', { willReadFrequently: true });
    if (!probe) return 0xff000000;
  }
  probe.globalAlpha = 1;
  probe.clearRect(0, 0, 1, 1);
  if (under !== undefined) {
    probe.fillStyle = under;
    probe.fillRect(0, 0, 1, 1);
    probe.globalAlpha = alpha;
  }
  probe.fillStyle = color;
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
  word = (0xff000000 | ((b ?? 0) << 16) | ((g ?? 0) << 8) | (r ?? 0)) >>> 0;
  if (colors.size > 10_000) colors.clear();
  colors.set(key, word);
  return word;
}
