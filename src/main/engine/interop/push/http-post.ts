// One POST with a deadline, whose failures read as one line a person can act on.
import { ParallaxError, messageOf } from '../../../../shared/errors';

const TIMEOUT_MS = 30_000;

export interface PostAnswer {
  status: number;
  body: Uint8Array;
  contentType: string;
}

export async function post(url: string, body: Uint8Array | FormData, headers: Record<string, string>, what: string): Promise<PostAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body: body instanceof Uint8Array ? body.slice() : body, headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : messageOf(error);
    throw new ParallaxError('connection-refused', `Could not send ${what} to ${url}: ${cause}`);
  }
  const answer = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, body: answer, contentType: response.headers.get('content-type') ?? '' };
}

/** The first line of a text answer, cut short, for an error message. */
export function answerText(answer: PostAnswer): string {
  const text = Buffer.from(answer.body.subarray(0, 2000)).toString('utf8').trim().split('\n', 1)[0] ?? '';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
