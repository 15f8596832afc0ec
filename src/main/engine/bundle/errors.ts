// The one error a refused bundle raises: a message for people, naming the file and what is wrong.
import { ParallaxError } from '../../../shared/errors';

/** Thrown while reading a bundle's content; import prefixes the file name. */
export class BundleContentError extends ParallaxError {
  constructor(message: string) {
    // Names from the file can hold anything; a message stays one printable line.
    super('bad-request', printable(message));
    this.name = 'BundleContentError';
  }
}

function printable(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 ? '?' : c;
  }
  return out;
}
