// Browsers the user vouched for.

/** A browser the user has vouched for (number-matched approval or passkey sign-in in it). */
export interface TrustedBrowser {
  /** Random, base64url (not the cookie: the cookie is a separate secret, stored only as a hash). */
  id: string;
  accountId: string;
  /** SHA-256 (hex) of the opaque cookie value. Unique. */
  tokenHash: string;
  /** e.g. "Chrome 156 on Windows". */
  label: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date;
  /**
   * The trust ends here unless the browser is used again: its cookie's lifetime from its last use
   * (TRUSTED_BROWSER_DAYS), after which the cookie is gone anyway. Reads do not return a browser
   * past it; sweepExpired() and TTL indexes remove it.
   */
  expiresAt: Date;
}

export interface TrustedBrowserRepository {
  add(browser: TrustedBrowser): Promise<void>;
  /** The live browser holding this token hash. */
  findByTokenHash(tokenHash: string): Promise<TrustedBrowser | undefined>;
  /** The account's live browsers, oldest first. */
  listByAccount(accountId: string): Promise<TrustedBrowser[]>;
  /** Records a use at `at`, which extends the trust to `expiresAt`. */
  touch(id: string, at: Date, expiresAt: Date): Promise<void>;
  rename(accountId: string, id: string, name: string): Promise<boolean>;
  remove(accountId: string, id: string): Promise<boolean>;
  /** Returns how many were removed. */
  removeAllForAccount(accountId: string): Promise<number>;
}
