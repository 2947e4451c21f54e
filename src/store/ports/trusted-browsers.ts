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
}

export interface TrustedBrowserRepository {
  add(browser: TrustedBrowser): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<TrustedBrowser | undefined>;
  /** Oldest first. */
  listByAccount(accountId: string): Promise<TrustedBrowser[]>;
  touch(id: string, at: Date): Promise<void>;
  rename(accountId: string, id: string, name: string): Promise<boolean>;
  remove(accountId: string, id: string): Promise<boolean>;
  /** Returns how many were removed. */
  removeAllForAccount(accountId: string): Promise<number>;
}
