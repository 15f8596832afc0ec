// One POST with a deadline, over node:http(s) (fetch refuses ports on the browsers' "bad ports"
// list, which a local collector may well use), whose failures read as one line a person can act on.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ParallaxError, messageOf } from '../../../../shared/errors';

const TIMEOUT_MS = 30_000;
const MAX_ANSWER_BYTES = 1 << 20;

export interface PostAnswer {
  status: number;
  body: Uint8Array;
  contentType: string;
}

export function post(url: string, body: Uint8Array, headers: Record<string, string>, what: string): Promise<PostAnswer> {
  const fail = (cause: string): ParallaxError => new ParallaxError('connection-refused', `Could not send ${what} to ${url}: ${cause}`);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(fail('not a URL'));
  }
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'POST', headers: { ...headers, 'content-length': String(body.byteLength) }, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        // Only the start of an answer is read into messages; the rest is drained.
        if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), contentType: String(res.headers['content-type'] ?? '') }));
      res.on('error', (error) => reject(fail(messageOf(error))));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', (error: NodeJS.ErrnoException) => reject(fail(error.code === 'ECONNREFUSED' ? 'connection refused (is the server running?)' : messageOf(error))));
    req.end(body);
  });
}

/** The first line of a text answer, cut short, for an error message. */
export function answerText(answer: PostAnswer): string {
  const text = Buffer.from(answer.body.subarray(0, 2000)).toString('utf8').trim().split('\n', 1)[0] ?? '';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** A multipart/form-data body with one file part, as browsers and Pyroscope's clients send it. */
export function multipartFile(field: string, filename: string, content: Uint8Array): { body: Buffer; contentType: string } {
  const boundary = `----parallax${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head), content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
