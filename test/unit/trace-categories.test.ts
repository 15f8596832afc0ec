// Which trace categories a recording may ask for: the default, refusals, and the union filter.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRACE_CATEGORIES, categoryFilter, chooseTraceCategories } from '../../src/main/engine/capture/trace/categories';
import { ParallaxError } from '../../src/shared/errors';

function refusal(requested: string[]): ParallaxError {
  try {
    chooseTraceCategories(requested);
  } catch (error) {
    if (error instanceof ParallaxError) return error;
    throw error;
  }
  throw new Error(`${requested.join(',')} was accepted`);
}

describe('trace categories', () => {
  it('defaults to cheap categories, without async_hooks, node.environment or the detailed GC phases', () => {
    const { categories, warnings } = chooseTraceCategories(undefined);
    expect(categories).toEqual([...DEFAULT_TRACE_CATEGORIES]);
    expect(categories).toContain('v8');
    expect(categories).not.toContain('node');
    expect(categories).not.toContain('node.async_hooks');
    expect(categories).not.toContain('disabled-by-default-v8.gc');
    expect(warnings).toEqual([]);
  });

  it('refuses the umbrella node category, and wildcards that cover async_hooks, naming the cost', () => {
    for (const requested of [['node'], ['v8', 'node'], ['node.*'], ['*'], ['node.a*']]) {
      const error = refusal(requested);
      expect(error.code).toBe('bad-request');
      expect(error.message).toMatch(/node\.async_hooks.*97%/);
      expect(error.message).toContain('v8,node.console');
    }
  });

  it('allows node.async_hooks named explicitly, with a warning', () => {
    const { categories, warnings } = chooseTraceCategories(['v8', 'node.async_hooks']);
    expect(categories).toEqual(['v8', 'node.async_hooks']);
    expect(warnings[0]).toMatch(/97%/);
    expect(chooseTraceCategories(['node', 'node.async_hooks']).categories).toEqual(['node', 'node.async_hooks']);
  });

  it('trims and de-duplicates, and refuses empty, malformed and hostile names', () => {
    expect(chooseTraceCategories([' v8 ', 'v8', 'node.console']).categories).toEqual(['v8', 'node.console']);
    expect(chooseTraceCategories(['disabled-by-default-v8.gc']).categories).toEqual(['disabled-by-default-v8.gc']);
    expect(refusal([]).code).toBe('bad-request');
    expect(refusal(['  ', '']).code).toBe('bad-request');
    for (const bad of ['v8,node', 'node console', 'x'.repeat(201), '"); process.exit(1); //', 'ü']) {
      expect(refusal([bad]).message).toMatch(/not a trace category name/);
    }
  });

  it('keeps events of our categories only: two sessions tracing receive the union', () => {
    const wanted = categoryFilter(['v8', 'node.fs.async']);
    expect(wanted('devtools.timeline,v8')).toBe(true);
    expect(wanted('node,node.fs,node.fs.async')).toBe(true);
    expect(wanted('node,node.http')).toBe(false);
    expect(wanted('node,node.async_hooks')).toBe(false);
    expect(wanted('')).toBe(false);
    expect(categoryFilter(['v8*'])('anything')).toBe(true);
  });
});
