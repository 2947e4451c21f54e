// Remembered consent: what a user allowed a partner service, kept per account and partner.

/**
 * "Remember this decision": the scopes and claims an account allowed a partner, until the user
 * disconnects the partner or it expires. It outlives the browser session and the grant it was
 * given through (a partner's sign-out ends both), so the next sign-in to that partner, in any
 * browser, is not asked again for what was allowed.
 */
export interface RememberedConsent {
  accountId: string;
  clientId: string;
  /** Space-separated OIDC scopes allowed (openid included). */
  scope: string;
  /** Claims allowed beyond the scopes (the claims parameter). */
  claims: string[];
  rememberedAt: Date;
  /** null: until forgotten. */
  expiresAt: Date | null;
}

export interface ConsentRepository {
  /** Keeps the decision, replacing an earlier one for the same account and partner. */
  remember(consent: RememberedConsent): Promise<void>;
  find(accountId: string, clientId: string): Promise<RememberedConsent | undefined>;
  /** The account's live remembered consents, in no particular order. */
  listByAccount(accountId: string): Promise<RememberedConsent[]>;
  forget(accountId: string, clientId: string): Promise<void>;
}
