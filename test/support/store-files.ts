// Temporary store files for tests, removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempStorePath(): { path: string; dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'parallax-test-'));
  return { path: join(dir, 'store.sqlite'), dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Inspector ws URL a target started with --inspect=127.0.0.1:0 announced on stderr. */
export function announcedWsUrl(stderr: string): string | null {
  return /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1] ?? null;
}
