// A value a panel fetches for itself (a tab's data): refetched when its key changes, stale replies dropped.
import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from '../../shared/errors';
import type { Loadable } from './loadable';

/**
 * Runs `fetch` whenever `key` changes (null: nothing to fetch). While a new key loads, the old value
 * stays visible when `keepAcrossKeys` is true; a retry or `reload()` always keeps it.
 */
export function useFetched<T>(key: string | null, fetch: () => Promise<T>, keepAcrossKeys = false): { value: Loadable<T>; reload(): void } {
  const [value, setValue] = useState<Loadable<T>>({ state: 'idle' });
  const generation = useRef(0);
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;

  const run = useCallback((keep: boolean) => {
    const mine = ++generation.current;
    setValue((current) => ({
      state: 'loading',
      previous: keep && current.state === 'ready' ? current.value : keep && current.state === 'loading' ? current.previous : null,
    }));
    fetchRef.current().then(
      (result) => {
        if (mine === generation.current) setValue({ state: 'ready', value: result });
      },
      (error: unknown) => {
        if (mine === generation.current) setValue({ state: 'error', message: messageOf(error) });
      },
    );
  }, []);

  const previousKey = useRef<string | null>(null);
  useEffect(() => {
    if (key === null) {
      generation.current++;
      setValue({ state: 'idle' });
    } else {
      // Only the live tick part of a key changing means "same data, newer": keep showing it.
      const sameBase = previousKey.current !== null && baseOf(previousKey.current) === baseOf(key);
      run(keepAcrossKeys || sameBase);
    }
    previousKey.current = key;
  }, [key, keepAcrossKeys, run]);

  const reload = useCallback(() => run(true), [run]);
  return { value, reload };
}

/** Keys end with `#<live tick>`; the rest names the data. */
function baseOf(key: string): string {
  const at = key.lastIndexOf('#');
  return at === -1 ? key : key.slice(0, at);
}

/** A fetch key: the parts that name the data, then the live tick. */
export function fetchKey(parts: unknown[], tick: number): string {
  return `${JSON.stringify(parts)}#${tick}`;
}
