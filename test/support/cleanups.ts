// Cleanups a test registers as it goes (targets, engines, files), run last-first after each test.
import { afterEach } from 'vitest';
import { Engine, type EngineOptions } from '../../src/main/engine/engine';
import { tempStorePath } from './store-files';

export type Cleanup = () => Promise<unknown> | void;

/** The list a test file pushes its cleanups onto; an afterEach empties it, newest first. */
export function cleanupsAfterEach(): Cleanup[] {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return cleanups;
}

/** An engine on a fresh temporary store; `cleanups` closes it and removes the store. */
export function openTestEngine(cleanups: Cleanup[], options: Omit<EngineOptions, 'storePath'> = {}): { engine: Engine; path: string } {
  const store = tempStorePath();
  const engine = Engine.open({ ...options, storePath: store.path });
  cleanups.push(() => store.remove());
  cleanups.push(() => engine.close());
  return { engine, path: store.path };
}
