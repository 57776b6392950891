// Options objects: a key the function does not know is a typo (`{ sample: 4 }` for `samples`), so
// it throws instead of being silently ignored.
import { describe } from './tensor.js';

/** Throws a TypeError for an options object with keys `owner` does not know, or a non-object. */
export function knownKeys(owner: string, options: object, allowed: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${owner}: options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${owner}: unknown option '${key}' (expected one of ${allowed.join(', ')})`);
    }
  }
}
