// One-time codes sent by e-mail or SMS. How often a code may be tried is a limit (limits/), not
// the code store's concern.

/** A one-time code sent to an e-mail address or phone number, stored only as a hash. */
export interface OneTimeCode {
  /** What the code is for and whose it is, e.g. `signup:<interaction uid>`. */
  key: string;
  /** SHA-256 (hex) of the code; the code itself is never stored. */
  codeHash: string;
  /** Where the code was sent (an e-mail address or phone number). */
  target: string;
  expiresAt: Date;
}

export interface OneTimeCodeRepository {
  /** Stores a new code under `key`, replacing an older one. */
  issue(code: OneTimeCode): Promise<void>;
  /** The live code under `key`, or undefined. */
  find(key: string): Promise<OneTimeCode | undefined>;
  /**
   * Removes the live code under `key` if its hash matches, for exactly one caller even when
   * several race. True when this caller consumed it.
   */
  consume(key: string, codeHash: string): Promise<boolean>;
}
