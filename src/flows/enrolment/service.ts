// Enrolment links: a one-time right to register a passkey for an account without signing in,
// handed out after the account's owner proved themselves another way (an operator approved a
// recovery request, or the contact codes of a phone change were right). The link carries a random
// secret of which only the SHA-256 is stored; the link is used up by the registration it allows,
// never by opening it (mail scanners fetch links).
//
// The secret rides in the link's fragment (`/enrol/<id>#<secret>`): browsers never send a fragment,
// so it stays out of every request line, access log and proxy log. The page's script reads it and
// posts it with each step; the page itself (GET) only knows the ticket id.
import { withClock, type Clocked } from '../../clock.ts';
import { createHash, randomBytes } from 'node:crypto';
import type { AuditContext, AuditLog } from '../../audit/audit-log.ts';
import type { EventSink } from '../../events/event-bus.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { PasskeyService } from '../../passkeys/passkey-service.ts';
import { sameHash } from '../../store/arguments.ts';
import type { Account, AccountRepository, EnrolmentPurpose, EnrolmentTicket, EnrolmentTicketRepository } from '../../store/types.ts';
import { EnrolmentLinkInvalidError } from './errors.ts';
import * as flow from './flow.ts';

export interface IssuedEnrolment {
  ticket: EnrolmentTicket;
  /** Absolute: `${issuer}/enrol/${ticket.id}#${secret}`. */
  link: string;
  /** The link's secret, for a flow that hands it to the device itself instead of as a link. */
  secret: string;
}

/** What the link's page posts back: the ticket id from the path, the secret from the fragment. */
export interface EnrolmentKey {
  ticketId: string;
  secret: string;
}

export interface EnrolmentServiceDeps {
  issuer: string;
  tickets: EnrolmentTicketRepository;
  accounts: AccountRepository;
  passkeys: PasskeyService;
  audit: AuditLog;
  /** Announces `enrolment.completed`; the purpose's feature reacts (recovery, phone change). */
  events: EventSink;
  now?: () => number;
}

/** 16 and 32 random bytes, base64url. */
const TICKET_ID = /^[A-Za-z0-9_-]{22}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const SYSTEM: AuditContext = { actor: 'system', ip: null, userAgent: null };

function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export class EnrolmentService {
  readonly #d: Clocked<EnrolmentServiceDeps>;

  constructor(deps: EnrolmentServiceDeps) {
    this.#d = withClock(deps);
  }

  async issue(accountId: string, purpose: EnrolmentPurpose, options: { ttlSeconds: number; sentTo: string | null; recoveryRequestId?: string }): Promise<IssuedEnrolment> {
    const secret = randomBytes(32).toString('base64url');
    const at = this.#d.now();
    const ticket: EnrolmentTicket = {
      id: randomBytes(16).toString('base64url'),
      secretHash: hashOf(secret),
      accountId,
      purpose,
      recoveryRequestId: options.recoveryRequestId ?? null,
      sentTo: options.sentTo,
      createdAt: new Date(at),
      expiresAt: flow.expiresAt(at, options.ttlSeconds),
    };
    await this.#d.tickets.create(ticket);
    await this.#d.audit.record('enrolment.issued', accountId, SYSTEM, { ticketId: ticket.id, purpose, sentTo: options.sentTo, recoveryRequestId: ticket.recoveryRequestId, expiresAt: ticket.expiresAt.toISOString() });
    return { ticket, link: `${this.#d.issuer}/enrol/${ticket.id}#${secret}`, secret };
  }

  /**
   * For the page, which never sees the secret: the live ticket with this id, not used up. Throws
   * EnrolmentLinkInvalidError when unknown, used or expired. Says nothing about the secret.
   */
  async inspect(ticketId: string): Promise<EnrolmentTicket> {
    return (await this.#live(ticketId)).ticket;
  }

  /**
   * Passkey registration options for the ticket's account: this device's own authenticator. A wrong
   * secret is refused like a used link and takes nothing.
   */
  async registrationOptions(key: EnrolmentKey): Promise<unknown> {
    const { ticket, account } = await this.#unlocked(key);
    return this.#d.passkeys.registrationOptions(challengeKey(ticket), { id: account.webauthnUserId, name: account.email, displayName: account.name }, account.id, 'platform');
  }

  /**
   * Verifies the registration, uses the ticket (one winner), adds the passkey, audits
   * `enrolment.completed`, then runs the purpose's hook. A replayed or expired link, or a wrong
   * secret, adds nothing and leaves the ticket as it was.
   */
  async complete(key: EnrolmentKey, response: unknown, lang: Lang, audit: AuditContext): Promise<{ ticket: EnrolmentTicket; credentialId: string }> {
    const { ticket, account } = await this.#unlocked(key);
    // The challenge is taken (single use) before the ticket, so a bad response leaves the link usable.
    const credential = await this.#d.passkeys.verifyRegistration(challengeKey(ticket), response, account.id);
    // live → used: only a ticket still live by tobira's clock is offered to the store's single-winner claim.
    flow.requireLive(ticket, this.#d.now());
    if (!await this.#d.tickets.use(ticket.id)) throw new EnrolmentLinkInvalidError();
    const passkey = await this.#d.passkeys.addPasskey(account, credential, lang, audit, 'enrolment');
    await this.#d.audit.record('enrolment.completed', account.id, audit, { ticketId: ticket.id, purpose: ticket.purpose, credentialId: passkey.credentialId, recoveryRequestId: ticket.recoveryRequestId });
    await this.#d.events.emit('enrolment.completed', { ticket, credentialId: passkey.credentialId, audit, lang });
    return { ticket, credentialId: passkey.credentialId };
  }

  /** The live ticket whose secret this is; one refusal for every way it is not. */
  async #unlocked(key: EnrolmentKey): Promise<{ ticket: EnrolmentTicket; account: Account }> {
    if (!SECRET.test(key.secret)) throw new EnrolmentLinkInvalidError();
    const live = await this.#live(key.ticketId);
    if (!sameHash(hashOf(key.secret), live.ticket.secretHash)) throw new EnrolmentLinkInvalidError();
    return live;
  }

  async #live(ticketId: string): Promise<{ ticket: EnrolmentTicket; account: Account }> {
    if (!TICKET_ID.test(ticketId)) throw new EnrolmentLinkInvalidError();
    const ticket = flow.requireLive(await this.#d.tickets.find(ticketId), this.#d.now());
    const account = await this.#d.accounts.findById(ticket.accountId);
    if (!account) throw new EnrolmentLinkInvalidError();
    return { ticket, account };
  }
}

function challengeKey(ticket: EnrolmentTicket): string {
  return `reg:enrol:${ticket.id}`;
}
