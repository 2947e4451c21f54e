// Temporary blocks.

/**
 * Temporary blocks (e.g. push sign-in blocked for an account after "This wasn't me"), keyed by
 * what is blocked. Expire on read like everything else.
 */
export interface BlockRepository {
  block(key: string, until: Date, reason: string): Promise<void>;
  /** The live block under `key`, or undefined. */
  find(key: string): Promise<{ until: Date; reason: string } | undefined>;
}
