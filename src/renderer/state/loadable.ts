// A value fetched from the engine, with the states a view must draw: loading, ready, error.
export type Loadable<T> =
  | { state: 'idle' }
  | { state: 'loading'; previous: T | null }
  | { state: 'ready'; value: T }
  | { state: 'error'; message: string };

export const IDLE: Loadable<never> = { state: 'idle' };

/** The value to draw now: the ready one, or the one shown before a reload started. */
export function valueOf<T>(loadable: Loadable<T>): T | null {
  if (loadable.state === 'ready') return loadable.value;
  if (loadable.state === 'loading') return loadable.previous;
  return null;
}
