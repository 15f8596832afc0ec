// Errors meant for people: a message a user can act on, and a stable code for faces to branch on.

export type ErrorCode =
  | 'bad-request'
  | 'not-found'
  | 'not-node'
  | 'attach-failed'
  | 'connection-refused'
  | 'store-version'
  | 'internal';

export class ParallaxError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ParallaxError';
  }
}

/** The message to show a person for any thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function codeOf(error: unknown): ErrorCode {
  return error instanceof ParallaxError ? error.code : 'internal';
}
