// Signs and checks koa's signed cookies (`<name>.sig`) in keygrip's format — HMAC-SHA1 of
// `name=value`, base64url without padding, first key signs, every key verifies — so cookies set
// before keep working and every process accepts the others'. keygrip itself compares through
// tsscmp, which draws a random key and computes two more HMACs per comparison, and koa builds a
// new Keygrip per request: about a tenth of a passkey sign-in's CPU. Here the keys are imported
// once and the comparison is node's timingSafeEqual (both digests have the same fixed length).
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';

export class CookieSigner {
  readonly #keys: KeyObject[];

  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new Error('at least one cookie key is needed');
    // keygrip hands the key string to createHmac, which reads it as UTF-8.
    this.#keys = keys.map((key) => createSecretKey(Buffer.from(key, 'utf8')));
  }

  sign(data: string): string {
    return this.#digest(data, 0).toString('base64url');
  }

  verify(data: string, digest: string): boolean {
    return this.index(data, digest) > -1;
  }

  /** Which key signed `data` with `digest`, or -1. */
  index(data: string, digest: string): number {
    const given = Buffer.from(String(digest), 'utf8');
    for (let i = 0; i < this.#keys.length; i++) {
      const expected = Buffer.from(this.#digest(data, i).toString('base64url'), 'utf8');
      if (given.length === expected.length && timingSafeEqual(given, expected)) return i;
    }
    return -1;
  }

  #digest(data: string, i: number): Buffer {
    return createHmac('sha1', this.#keys[i] as KeyObject).update(data).digest();
  }
}
