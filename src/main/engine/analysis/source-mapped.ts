// Frames seen through source maps: original file, 1-based line and name for display, with the
// running code's location kept beside them as `generated`.
import { GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND, TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { FlameTree, FunctionTiming, SourcePosition } from '../../../shared/domain';
import type { Store } from '../store/store';
import { frameKind } from './frame-kind';

export interface OriginalFrame extends SourcePosition {
  /** The original name, where the map has one at that position. */
  name: string | null;
}

export class SourceMapResolver {
  private readonly traced = new Map<string, TraceMap | null>();

  private constructor(private readonly maps: Map<string, { mapUrl: string; mapJson: string }>) {}

  static forSession(store: Store, sessionId: string): SourceMapResolver {
    return new SourceMapResolver(new Map(store.sourceMaps.list(sessionId).map((map) => [map.url, map])));
  }

  get size(): number {
    return this.maps.size;
  }

  private traceMap(url: string): TraceMap | null {
    if (this.traced.has(url)) return this.traced.get(url)!;
    const stored = this.maps.get(url);
    let traced: TraceMap | null = null;
    if (stored) {
      try {
        traced = new TraceMap(stored.mapJson, stored.mapUrl);
      } catch {
        // A map that was valid JSON but not decodable resolves nothing; the generated frame stays.
        traced = null;
      }
    }
    this.traced.set(url, traced);
    return traced;
  }

  /** The original position of a 1-based line and column of `url`, or null when no map covers it. */
  resolve(url: string, line: number, column: number): OriginalFrame | null {
    if (line <= 0) return null;
    const map = this.traceMap(url);
    if (!map) return null;
    const needle = { line, column: Math.max(0, column - 1) };
    let found = originalPositionFor(map, { ...needle, bias: GREATEST_LOWER_BOUND });
    // A function's position can sit before the first mapped column of its line.
    if (found.source === null) found = originalPositionFor(map, { ...needle, bias: LEAST_UPPER_BOUND });
    if (found.source === null || found.line === null) return null;
    return { url: found.source, line: found.line, column: (found.column ?? 0) + 1, name: found.name };
  }
}

/** A name from the map replaces only one that says nothing (anonymous, or minified to a letter or two). */
function displayName(generated: string, original: string | null): string {
  return original && (generated === '(anonymous)' || generated === '' || generated.length <= 2) ? original : generated;
}

/** The tree's functions at their original locations; the others unchanged. */
export function sourceMappedFlameTree(tree: FlameTree, resolver: SourceMapResolver): FlameTree {
  if (resolver.size === 0) return tree;
  const functions = tree.functions.map((fn) => {
    const original = resolver.resolve(fn.url, fn.line, fn.column);
    if (!original) return fn;
    const generated = { url: fn.url, line: fn.line, column: fn.column };
    return { name: displayName(fn.name, original.name), url: original.url, line: original.line, column: original.column, kind: frameKind(original.url), generated };
  });
  return { ...tree, functions };
}

/** Top functions at their original locations; the others unchanged. */
export function sourceMappedTimings(timings: FunctionTiming[], resolver: SourceMapResolver): FunctionTiming[] {
  if (resolver.size === 0) return timings;
  return timings.map((timing) => {
    const original = resolver.resolve(timing.url, timing.line, 1);
    if (!original) return timing;
    return { ...timing, name: displayName(timing.name, original.name), url: original.url, line: original.line, generated: { url: timing.url, line: timing.line, column: 1 } };
  });
}
