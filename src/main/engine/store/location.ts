// Where the per-user store lives; the CLI and the desktop app share it.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PARALLAX_STORE) return env.PARALLAX_STORE;
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(dataHome, 'parallax', 'parallax.sqlite');
}
