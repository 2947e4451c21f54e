// Phone set-up hand-offs: a signed-in PC lends its sign-in to one phone, once, for a few minutes.

/** waiting: shown on the PC; claimed: one phone entered the code; completed: that phone is set up. */
/** `refused`: the claiming phone said "this wasn't me / cancel"; nothing more can be done with it. */
export type PhoneHandoffStatus = 'waiting' | 'claimed' | 'completed' | 'refused';

/**
 * A hand-off from a signed-in PC to a phone (flows/phone-handoff). Only SHA-256 digests of the short
 * code and of the claiming phone's key are stored, so a copy of the store (or a screenshot of a
 * used code) opens nothing.
 */
export interface PhoneHandoff {
  /** Random, base64url; the PC's page polls by it. Never shown to the phone. */
  id: string;
  /** SHA-256 (hex) of the short code, normalised (flows/phone-handoff/flow.ts codeHash). */
  codeHash: string;
  accountId: string;
  /** The oidc-provider session uid of the PC that made it: only that session sees it. */
  pcSessionUid: string;
  status: PhoneHandoffStatus;
  /** SHA-256 (hex) of the key the claiming phone holds (its flow cookie); null while waiting. */
  phoneKeyHash: string | null;
  /** The enrolment ticket (purpose phone_setup) the claiming phone registers its passkey with. */
  enrolmentTicketId: string | null;
  /** The name the phone was set up under, once completed. */
  deviceName: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export interface PhoneHandoffRepository {
  /** DuplicateKeyError('id' | 'codeHash') when a hand-off with that id or code exists. */
  create(handoff: PhoneHandoff): Promise<void>;
  /** The live (not expired) hand-off, in any status, or undefined. */
  find(id: string): Promise<PhoneHandoff | undefined>;
  /** The live hand-off still waiting for a phone with this code, or undefined (used, expired, unknown). */
  findWaitingByCode(codeHash: string): Promise<PhoneHandoff | undefined>;
  /** waiting → claimed by this phone: true for exactly one caller even when several race. */
  claim(id: string, claim: { phoneKeyHash: string; enrolmentTicketId: string }): Promise<boolean>;
  /**
   * claimed by this phone → completed, kept readable until `keepUntil` (the PC may poll late):
   * true for exactly one caller; false when not live, not claimed, or claimed by another phone.
   */
  complete(id: string, phoneKeyHash: string, deviceName: string, keepUntil: Date): Promise<boolean>;
  /**
   * claimed by this phone → refused, kept readable until `keepUntil` (the PC hears it): true for
   * exactly one caller, and a claimed hand-off ends once (completed or refused, never both).
   */
  refuse(id: string, phoneKeyHash: string, keepUntil: Date): Promise<boolean>;
}
