// One-time rights to register a passkey without signing in.

/** phone_setup: handed to a phone by a signed-in PC (flows/phone-handoff). */
export type EnrolmentPurpose = 'recovery' | 'phone_change' | 'phone_setup';

/**
 * A one-time right to register a new passkey for an account without signing in: sent as a link
 * after an operator approved a recovery request, or handed to the new phone after the contact codes
 * of a phone change. Only the SHA-256 of the link's secret is stored.
 */
export interface EnrolmentTicket {
  /** Random, base64url; part of the link. */
  id: string;
  /** SHA-256 (hex) of the link's secret. */
  secretHash: string;
  accountId: string;
  purpose: EnrolmentPurpose;
  recoveryRequestId: string | null;
  /** Where the link went (e-mail address or mobile number), or null when handed over in the browser. */
  sentTo: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export interface EnrolmentTicketRepository {
  create(ticket: EnrolmentTicket): Promise<void>;
  /** The live ticket (not used, not expired), or undefined. */
  find(id: string): Promise<EnrolmentTicket | undefined>;
  /** Uses the live ticket: true for exactly one caller even when several race; false when used, expired or gone. */
  use(id: string): Promise<boolean>;
}
