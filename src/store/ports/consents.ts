// Remembered consent grants.

/**
 * Which consent grants the user asked tobira to remember. A grant that is not remembered still
 * backs the tokens issued through it, but the user is asked again on the next authorization.
 */
export interface ConsentRepository {
  remember(grantId: string, expiresAt: Date | null): Promise<void>;
  isRemembered(grantId: string): Promise<boolean>;
  forget(grantId: string): Promise<void>;
}
