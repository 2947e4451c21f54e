// WebAuthn challenges waiting for their response.

/**
 * A WebAuthn challenge waiting for its response, stored under a key that names what it is bound
 * to (e.g. `authn:interaction:<uid>`), so the response is checked against the ceremony that asked
 * for it. A new challenge under the same key replaces the old one.
 */
export interface StoredChallenge {
  key: string;
  /** base64url, as sent to the browser. */
  challenge: string;
  /** The account the ceremony is for, when known (registration, identifier-first, account menu). */
  accountId: string | null;
  expiresAt: Date;
}

export interface ChallengeRepository {
  put(challenge: StoredChallenge): Promise<void>;
  /**
   * Removes and returns the live challenge under `key`, for exactly one caller even when several
   * race (FerretDB's findOneAndDelete is not atomic: use a single-winner step). Expired, missing
   * or already taken → undefined.
   */
  take(key: string): Promise<StoredChallenge | undefined>;
}
