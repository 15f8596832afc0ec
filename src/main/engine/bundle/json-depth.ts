// A non-recursive scan of JSON text for its nesting depth, run before JSON.parse on untrusted text.

export const MAX_JSON_DEPTH = 64;

/** True when no array or object in `text` nests deeper than `maxDepth` (strings are skipped). */
export function jsonDepthWithin(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return false;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return true;
}
