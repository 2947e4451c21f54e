// Enrolment links: a one-time right to register a passkey for an account without signing in,
// handed out after the account's owner proved themselves another way (an operator approved a
// recovery request, or the contact codes of a phone change were right). The link carries a random
// secret of which only the SHA-256 is stored; the link is used up by the registration it allows,
// never by opening it (mail scanners fetch links).
import { createHash, randomBytes } from 'node:crypto';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import type { Lang } from '../errors/app-error.ts';
import type { PasskeyService } from '../passkeys/passkey-service.ts';
import { sameHash } from '../store/arguments.ts';
import type { Account, AccountRepository, EnrolmentPurpose, EnrolmentTicket, EnrolmentTicketRepository } from '../store/types.ts';
import { EnrolmentLinkInvalidError } from './errors.ts';

export interface IssuedEnrolment {
  ticket: EnrolmentTicket;
  /** Absolute: `${issuer}/enrol/${ticket.id}.${secret}`. */
  link: string;
}

/**
 * Runs after the passkey was added. `lang` is the language of the page the user enrolled on (for
 * notices); hooks that do not need it may leave it out.
 */
export type EnrolmentCompletedHook = (ticket: EnrolmentTicket, credentialId: string, audit: AuditContext, lang: Lang) => Promise<void>;

export interface EnrolmentServiceDeps {
  issuer: string;
  tickets: EnrolmentTicketRepository;
  accounts: AccountRepository;
  passkeys: PasskeyService;
  audit: AuditLog;
  now?: () => number;
  onCompleted: Partial<Record<EnrolmentPurpose, EnrolmentCompletedHook>>;
}

/** `<ticket id>.<secret>`: 16 and 32 random bytes, base64url. */
const TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const SYSTEM: AuditContext = { actor: 'system', ip: null, userAgent: null };

function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export class EnrolmentService {
  readonly #issuer: string;
  readonly #tickets: EnrolmentTicketRepository;
  readonly #accounts: AccountRepository;
  readonly #passkeys: PasskeyService;
  readonly #audit: AuditLog;
  readonly #now: () => number;
  readonly #onCompleted: Partial<Record<EnrolmentPurpose, EnrolmentCompletedHook>>;

  constructor(deps: EnrolmentServiceDeps) {
    this.#issuer = deps.issuer;
    this.#tickets = deps.tickets;
    this.#accounts = deps.accounts;
    this.#passkeys = deps.passkeys;
    this.#audit = deps.audit;
    this.#now = deps.now ?? Date.now;
    this.#onCompleted = deps.onCompleted;
  }

  async issue(accountId: string, purpose: EnrolmentPurpose, options: { ttlSeconds: number; sentTo: string | null; recoveryRequestId?: string }): Promise<IssuedEnrolment> {
    const secret = randomBytes(32).toString('base64url');
    const at = this.#now();
    const ticket: EnrolmentTicket = {
      id: randomBytes(16).toString('base64url'),
      secretHash: hashOf(secret),
      accountId,
      purpose,
      recoveryRequestId: options.recoveryRequestId ?? null,
      sentTo: options.sentTo,
      createdAt: new Date(at),
      expiresAt: new Date(at + options.ttlSeconds * 1000),
    };
    await this.#tickets.create(ticket);
    await this.#audit.record('enrolment.issued', accountId, SYSTEM, { ticketId: ticket.id, purpose, sentTo: options.sentTo, recoveryRequestId: ticket.recoveryRequestId, expiresAt: ticket.expiresAt.toISOString() });
    return { ticket, link: `${this.#issuer}/enrol/${ticket.id}.${secret}` };
  }

  /**
   * For the page: the live ticket behind a link token, not used up. Throws EnrolmentLinkInvalidError
   * when unknown, used, expired or the secret is wrong.
   */
  async inspect(token: string): Promise<EnrolmentTicket> {
    return (await this.#live(token)).ticket;
  }

  /** Passkey registration options for the ticket's account: this device's own authenticator. */
  async registrationOptions(token: string): Promise<unknown> {
    const { ticket, account } = await this.#live(token);
    return this.#passkeys.registrationOptions(challengeKey(ticket), { id: account.webauthnUserId, name: account.email, displayName: account.name }, account.id, 'platform');
  }

  /**
   * Verifies the registration, uses the ticket (one winner), adds the passkey, audits
   * `enrolment.completed`, then runs the purpose's hook. A replayed or expired link adds nothing.
   */
  async complete(token: string, response: unknown, lang: Lang, audit: AuditContext): Promise<{ ticket: EnrolmentTicket; credentialId: string }> {
    const { ticket, account } = await this.#live(token);
    // The challenge is taken (single use) before the ticket, so a bad response leaves the link usable.
    const credential = await this.#passkeys.verifyRegistration(challengeKey(ticket), response, account.id);
    if (ticket.expiresAt.getTime() <= this.#now() || !await this.#tickets.use(ticket.id)) throw new EnrolmentLinkInvalidError();
    const passkey = await this.#passkeys.addPasskey(account, credential, lang, audit);
    await this.#audit.record('enrolment.completed', account.id, audit, { ticketId: ticket.id, purpose: ticket.purpose, credentialId: passkey.credentialId, recoveryRequestId: ticket.recoveryRequestId });
    await this.#onCompleted[ticket.purpose]?.(ticket, passkey.credentialId, audit, lang);
    return { ticket, credentialId: passkey.credentialId };
  }

  async #live(token: string): Promise<{ ticket: EnrolmentTicket; account: Account }> {
    const parts = TOKEN.exec(token);
    if (!parts) throw new EnrolmentLinkInvalidError();
    const [, id = '', secret = ''] = parts;
    const ticket = await this.#tickets.find(id);
    // The store checks expiry with its own clock; tobira's clock decides too.
    if (!ticket || ticket.expiresAt.getTime() <= this.#now() || !sameHash(hashOf(secret), ticket.secretHash)) throw new EnrolmentLinkInvalidError();
    const account = await this.#accounts.findById(ticket.accountId);
    if (!account) throw new EnrolmentLinkInvalidError();
    return { ticket, account };
  }
}

function challengeKey(ticket: EnrolmentTicket): string {
  return `reg:enrol:${ticket.id}`;
}
