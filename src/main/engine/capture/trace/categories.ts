// Which NodeTracing categories a recording asks for: a cheap default, and refusal of the ones
// that would slow the target down badly (research/inspector.md §5.5).
import { ParallaxError } from '../../../../shared/errors';
import type { RecordingContext } from '../capture';

/**
 * GC, console.time/count, http, fs, dns and net: each costs ≤1% on a promise-heavy benchmark.
 * Left out on purpose: node.environment (event-loop phases, ~8.7k events/s, ask for it to see
 * RunTimers and friends) and disabled-by-default-v8.gc (40-50 phase events per GC).
 */
export const DEFAULT_TRACE_CATEGORIES: readonly string[] = ['v8', 'node.console', 'node.http', 'node.fs.async', 'node.dns.native', 'node.net.native'];

const ASYNC_HOOKS = 'node.async_hooks';
const CATEGORY_NAME = /^[A-Za-z0-9_.*-]{1,200}$/;

export interface ChosenCategories {
  categories: string[];
  /** For people: costs the recording accepted by asking. */
  warnings: string[];
}

/**
 * The categories to record: `requested` (checked) or the default. Throws ParallaxError
 * ('bad-request') for malformed names and for 'node', which implies node.async_hooks.
 */
export function chooseTraceCategories(requested: readonly string[] | undefined): ChosenCategories {
  if (requested === undefined) return { categories: [...DEFAULT_TRACE_CATEGORIES], warnings: [] };
  const categories = [...new Set(requested.map((c) => c.trim()).filter(Boolean))];
  if (categories.length === 0) throw new ParallaxError('bad-request', 'No trace categories given: name at least one, or leave them out for the default set.');
  for (const category of categories) {
    if (!CATEGORY_NAME.test(category)) {
      throw new ParallaxError('bad-request', `"${category.slice(0, 60)}" is not a trace category name (letters, digits, . _ - and * only).`);
    }
  }
  const explicitAsyncHooks = categories.includes(ASYNC_HOOKS);
  const umbrella = categories.find((c) => c !== ASYNC_HOOKS && impliesAsyncHooks(c));
  if (umbrella && !explicitAsyncHooks) {
    throw new ParallaxError(
      'bad-request',
      `The trace category "${umbrella}" turns on node.async_hooks, which can slow the target down by up to 97%. ` +
        `Ask for specific categories instead, e.g. ${DEFAULT_TRACE_CATEGORIES.join(',')} (add node.environment for event-loop phases), ` +
        `or name node.async_hooks explicitly if you accept the cost.`,
    );
  }
  const warnings = explicitAsyncHooks
    ? ['Tracing node.async_hooks records every async resource and can slow the target down by up to 97%.']
    : [];
  return { categories, warnings };
}

/** 'node' is the umbrella of every node.* category; a wildcard may cover async_hooks too. */
function impliesAsyncHooks(category: string): boolean {
  if (category === 'node') return true;
  if (!category.includes('*')) return false;
  const pattern = new RegExp(`^${category.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
  return pattern.test(ASYNC_HOOKS) || pattern.test('node');
}

/**
 * Two sessions tracing at once both receive the union of their categories (research §5):
 * keeps an event when one of its comma-separated categories is one we asked for.
 */
export function categoryFilter(categories: readonly string[]): (cat: string) => boolean {
  if (categories.some((c) => c.includes('*'))) return () => true;
  const wanted = new Set(categories);
  return (cat) => {
    if (wanted.has(cat)) return true;
    for (const part of cat.split(',')) if (wanted.has(part)) return true;
    return false;
  };
}

/**
 * Refuses bad categories before anything is launched or attached, so a refused request leaves
 * no session and no target behind. Registered with the pre-launch captures; starts nothing.
 */
export async function checkTraceRequest(context: RecordingContext): Promise<null> {
  if (context.signals.has('trace')) chooseTraceCategories(context.request.traceCategories);
  return null;
}
