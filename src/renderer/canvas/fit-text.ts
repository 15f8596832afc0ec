// Fits a label into a width: the whole text, or a prefix with an ellipsis, or nothing.

const widthCache = new Map<string, number>();

function measure(context: CanvasRenderingContext2D, text: string): number {
  const key = `${context.font}\u0000${text}`;
  let width = widthCache.get(key);
  if (width === undefined) {
    width = context.measureText(text).width;
    if (widthCache.size > 20_000) widthCache.clear();
    widthCache.set(key, width);
  }
  return width;
}

export function fitText(context: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (maxWidth <= 0 || !text) return '';
  const full = measure(context, text);
  if (full <= maxWidth) return text;
  const ellipsisWidth = measure(context, '…');
  if (ellipsisWidth > maxWidth) return '';
  // Start from a proportional guess, then correct by a few characters.
  let chars = Math.max(0, Math.floor((text.length * (maxWidth - ellipsisWidth)) / full));
  while (chars > 0 && context.measureText(text.slice(0, chars)).width + ellipsisWidth > maxWidth) chars--;
  return chars < 2 ? '' : `${text.slice(0, chars)}…`;
}
