// The one error a refused bundle raises: a message for people, naming the file and what is wrong.
import { ParallaxError } from '../../../shared/errors';

/** Thrown while reading a bundle's content; import prefixes the file name. */
export class BundleContentError extends ParallaxError {
  constructor(message: string) {
    super('bad-request', message);
    this.name = 'BundleContentError';
  }
}
