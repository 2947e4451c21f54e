// Lost phone, nothing else works: a request anyone can file, an operator's decision, and the
// clean-up once the user has enrolled a new passkey through the link the approval sent.
//
// Rules:
// - Filing answers the same whether or not the account exists (the caller gets nothing back), and
//   does the same store work either way, so neither the answer nor its timing reveals accounts.
// - The enrolment link only ever goes to the account's own addresses, never to the contacts the
//   requester typed (those are unverified: operators compare them, nothing is sent to them).
// - Approval and rejection are single-winner transitions: two operators deciding at once send at
//   most one link.
// - Completion takes every other way in away: phones, passkeys, sessions, tokens, trusted browsers.
import { randomBytes } from 'node:crypto';
import type { AccessRevocation } from '../accounts/access-revocation.ts';
import { normaliseEmail } from '../accounts/account-service.ts';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import type { Lang } from '../errors/app-error.ts';
import { normaliseMobileNumber } from '../contacts/contact-format.ts';
import type { Logger } from '../log.ts';
import type { AccountNotifier } from '../notify/account-notifier.ts';
import type { Mailer } from '../notify/mailer.ts';
import type { SmsSender } from '../notify/sms-sender.ts';
import type {
  AccountRepository,
  AuditEvent,
  AuditRepository,
  DeviceRepository,
  EnrolmentTicket,
  PasskeyRepository,
  RecoveryRequest,
  RecoveryRequestRepository,
  RecoveryStatus,
} from '../store/types.ts';
import { ContactRequiredError, RecoveryAccountUnknownError, RecoveryRequestDecidedError, RecoveryRequestNotFoundError } from './errors.ts';
import { enrolmentLinkMail, enrolmentLinkSms, recoveryCompletedNotice, recoveryRequestedNotice } from './recovery-mails.ts';

/** At most this many pending requests per account (or per typed account ID when it names none). */
export const MAX_PENDING_PER_ACCOUNT = 3;
/** How many pending requests the per-account cap looks at (the newest). */
const PENDING_SCAN_LIMIT = 1000;
/** Recent audit events shown to the operator with a request. */
const RECENT_EVENTS = 20;

export interface RecoveryRequestInput {
  /** The account ID (sign-in e-mail) as typed. */
  accountId: string;
  /** '' when not given. */
  contactEmail: string;
  /** '' when not given; any common notation, Japanese numbers without the country code (E.164 once stored). */
  contactMobile: string;
  message: string;
}

/** What the operator enters with a decision. */
export interface OperatorDecision {
  /** Who decides (letters, digits, `.`, `_`, `-`); audited as `operator:<name>`. */
  operator: string;
  note: string;
}

/** The enrolment service's side of the link: one ticket, and the URL that carries its secret. */
export interface RecoveryEnrolment {
  issue(accountId: string, purpose: 'recovery', options: { ttlSeconds: number; sentTo: string | null; recoveryRequestId: string }): Promise<{ ticket: EnrolmentTicket; link: string }>;
}

export type ContactMatch = 'match' | 'mismatch' | 'not_given' | 'no_verified_contact';

export interface RecoveryRequestDetail {
  request: RecoveryRequest;
  /** The account the request names, or null when it names none (or it is gone). */
  account: null | {
    id: string;
    email: string;
    name: string;
    createdAt: Date;
    alwaysPasskey: boolean;
    hasPassword: boolean;
    contactEmail: string | null;
    contactMobile: string | null;
    phones: number;
    passkeys: number;
  };
  /** The contacts the requester typed, compared with the account's verified ones. */
  contacts: { email: ContactMatch; mobile: ContactMatch };
  recentEvents: AuditEvent[];
}

export interface Delivery {
  to: string;
  sent: boolean;
}

export interface RecoveryApproval {
  request: RecoveryRequest;
  /** The link went by mail to `email`, and by SMS to `sms` when the account has a verified mobile. */
  delivery: { email: Delivery; sms: Delivery | null };
}

export interface RecoveryServiceDeps {
  requests: RecoveryRequestRepository;
  accounts: AccountRepository;
  passkeys: PasskeyRepository;
  devices: DeviceRepository;
  auditEvents: AuditRepository;
  audit: AuditLog;
  revocation: AccessRevocation;
  notifier: AccountNotifier;
  mailer: Mailer;
  sms: SmsSender;
  enrolment: RecoveryEnrolment;
  enrolmentLinkTtlSeconds: number;
  logger: Logger;
  now?: () => number;
}

export function operatorActor(operator: string): string {
  return `operator:${operator}`;
}

export class RecoveryService {
  readonly #deps: RecoveryServiceDeps;
  readonly #now: () => number;

  constructor(deps: RecoveryServiceDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /**
   * Files a request. Returns nothing whatever happened (stored, or dropped by the cap), so the
   * page can only ever say "received". The account's own addresses are told that a request was
   * filed, without waiting for the delivery (its time would reveal the account).
   */
  async submit(input: RecoveryRequestInput, audit: AuditContext): Promise<void> {
    const contactEmail = input.contactEmail ? normaliseEmail(input.contactEmail) : '';
    // In the form verified contacts are stored in, so operators can compare them.
    const contactMobile = input.contactMobile ? normaliseMobileNumber(input.contactMobile) : '';
    if (!contactEmail && !contactMobile) throw new ContactRequiredError();
    const accountHint = normaliseEmail(input.accountId);
    const account = await this.#deps.accounts.findByEmail(accountHint);
    const pending = await this.#deps.requests.list({ status: 'pending', limit: PENDING_SCAN_LIMIT });
    const forSameAccount = pending.filter((r) => (account ? r.accountId === account.id : r.accountHint === accountHint)).length;
    if (forSameAccount >= MAX_PENDING_PER_ACCOUNT) {
      await this.#deps.audit.record('recovery.throttled', account?.id ?? null, audit, { accountHint, pending: forSameAccount });
      return;
    }
    const request: RecoveryRequest = {
      id: randomBytes(16).toString('base64url'),
      accountId: account?.id ?? null,
      accountHint,
      contactEmail,
      contactMobile,
      message: input.message,
      ip: audit.ip,
      userAgent: audit.userAgent,
      status: 'pending',
      createdAt: new Date(this.#now()),
      decidedAt: null,
      decidedBy: null,
      decisionNote: '',
      enrolmentSentTo: null,
      completedAt: null,
    };
    await this.#deps.requests.create(request);
    await this.#deps.audit.record('recovery.requested', request.accountId, audit, { requestId: request.id, accountHint, knownAccount: account !== undefined });
    if (account) void this.#deps.notifier.notify(account, recoveryRequestedNotice, 'ja');
  }

  list(options: { status?: RecoveryStatus; limit: number }): Promise<RecoveryRequest[]> {
    return this.#deps.requests.list(options);
  }

  /** One request with what an operator needs to decide it. Viewing is audited (it shows personal data). */
  async show(id: string, audit: AuditContext): Promise<RecoveryRequestDetail> {
    const request = await this.#deps.requests.findById(id);
    if (!request) throw new RecoveryRequestNotFoundError();
    const account = request.accountId ? await this.#deps.accounts.findById(request.accountId) : undefined;
    await this.#deps.audit.record('recovery.viewed', request.accountId, audit, { requestId: id });
    if (!account) {
      return { request, account: null, contacts: { email: compare(request.contactEmail, null), mobile: compare(request.contactMobile, null) }, recentEvents: [] };
    }
    const [phones, passkeys, recentEvents] = await Promise.all([
      this.#deps.devices.listByAccount(account.id),
      this.#deps.passkeys.listByAccount(account.id),
      this.#deps.auditEvents.listByAccount(account.id, RECENT_EVENTS),
    ]);
    return {
      request,
      account: {
        id: account.id,
        email: account.email,
        name: account.name,
        createdAt: account.createdAt,
        alwaysPasskey: account.alwaysPasskey,
        hasPassword: account.passwordHash !== null,
        contactEmail: account.contactEmail?.value ?? null,
        contactMobile: account.contactMobile?.value ?? null,
        phones: phones.length,
        passkeys: passkeys.length,
      },
      contacts: {
        email: compare(request.contactEmail, account.contactEmail?.value ?? null),
        mobile: compare(request.contactMobile, account.contactMobile?.value ?? null),
      },
      recentEvents,
    };
  }

  /**
   * Approves a pending request that names an account, and sends the one-time enrolment link to
   * the account's verified contact e-mail (else its sign-in e-mail) and by SMS to its verified
   * mobile. The link is never part of the answer: the operator cannot use it.
   */
  async approve(id: string, decision: OperatorDecision, audit: AuditContext): Promise<RecoveryApproval> {
    const request = await this.#pending(id);
    const account = request.accountId ? await this.#deps.accounts.findById(request.accountId) : undefined;
    if (!account) throw new RecoveryAccountUnknownError();
    const email = account.contactEmail?.value ?? account.email;
    const mobile = account.contactMobile?.value ?? null;
    const sentTo = mobile ? `${email}, ${mobile}` : email;
    const approved = await this.#deps.requests.transition(id, 'pending', { status: 'approved', at: new Date(this.#now()), by: audit.actor, note: decision.note, enrolmentSentTo: sentTo });
    if (!approved) throw await this.#lostRace(id);
    const ttlSeconds = this.#deps.enrolmentLinkTtlSeconds;
    const { ticket, link } = await this.#deps.enrolment.issue(account.id, 'recovery', { ttlSeconds, sentTo, recoveryRequestId: id });
    const delivery = {
      email: { to: email, sent: await this.#deliver(() => this.#deps.mailer.send(enrolmentLinkMail(email, link, ttlSeconds)), account.id, 'mail') },
      sms: mobile ? { to: mobile, sent: await this.#deliver(() => this.#deps.sms.send({ to: mobile, text: enrolmentLinkSms(link, ttlSeconds) }), account.id, 'sms') } : null,
    };
    await this.#deps.audit.record('recovery.approved', account.id, audit, { requestId: id, note: decision.note, ticketId: ticket.id, sentTo, delivered: { email: delivery.email.sent, sms: delivery.sms?.sent ?? null } });
    return { request: approved, delivery };
  }

  /** Rejects a pending request. The requester is not told: the contacts they typed are unverified. */
  async reject(id: string, decision: OperatorDecision, audit: AuditContext): Promise<RecoveryRequest> {
    const request = await this.#pending(id);
    const rejected = await this.#deps.requests.transition(id, 'pending', { status: 'rejected', at: new Date(this.#now()), by: audit.actor, note: decision.note });
    if (!rejected) throw await this.#lostRace(id);
    await this.#deps.audit.record('recovery.rejected', request.accountId, audit, { requestId: id, reason: decision.note });
    return rejected;
  }

  /**
   * The enrolment link was used and `newCredentialId` registered (wired as the enrolment service's
   * onCompleted.recovery): every other passkey and phone goes, then every session, token and
   * trusted browser, the request is completed and the account's addresses are told.
   */
  async completeEnrolment(ticket: EnrolmentTicket, newCredentialId: string, audit: AuditContext, lang: Lang): Promise<void> {
    const accountId = ticket.accountId;
    const account = await this.#deps.accounts.findById(accountId);
    const kept = await this.#deps.passkeys.findByCredentialId(newCredentialId);
    // Without the new passkey in place, removing "every other" one would lock the user out.
    if (!account || kept?.accountId !== accountId) throw new Error(`recovery of ${accountId}: the new passkey ${newCredentialId} is not the account's`);
    const first = await this.#removeOldCredentials(accountId, newCredentialId, audit);
    const revoked = await this.#deps.revocation.revokeAll(accountId, audit, { reason: 'recovery' });
    // A session that was still alive a moment ago could have added a passkey meanwhile; its
    // session is gone now, so a second pass leaves nothing behind.
    const second = await this.#removeOldCredentials(accountId, newCredentialId, audit);
    const completed = ticket.recoveryRequestId
      ? await this.#deps.requests.transition(ticket.recoveryRequestId, 'approved', { status: 'completed', at: new Date(this.#now()) })
      : undefined;
    await this.#deps.audit.record('recovery.completed', accountId, audit, {
      requestId: ticket.recoveryRequestId,
      requestCompleted: completed !== undefined,
      credentialId: newCredentialId,
      removedPasskeys: first.passkeys + second.passkeys,
      removedPhones: first.phones + second.phones,
      ...revoked,
    });
    await this.#deps.notifier.notify(account, recoveryCompletedNotice, lang);
  }

  async #removeOldCredentials(accountId: string, keep: string, audit: AuditContext): Promise<{ phones: number; passkeys: number }> {
    let phones = 0;
    let passkeys = 0;
    // Phones first: a phone whose passkey is gone could otherwise still be asked to approve.
    for (const device of await this.#deps.devices.listByAccount(accountId)) {
      if (device.credentialId === keep) continue;
      if (!await this.#deps.devices.remove(accountId, device.id)) continue;
      phones += 1;
      await this.#deps.audit.record('device.removed', accountId, audit, { deviceId: device.id, credentialId: device.credentialId, reason: 'recovery' });
    }
    for (const passkey of await this.#deps.passkeys.listByAccount(accountId)) {
      if (passkey.credentialId === keep) continue;
      if (!await this.#deps.passkeys.remove(accountId, passkey.credentialId)) continue;
      passkeys += 1;
      await this.#deps.audit.record('passkey.deleted', accountId, audit, { credentialId: passkey.credentialId, reason: 'recovery' });
    }
    return { phones, passkeys };
  }

  async #pending(id: string): Promise<RecoveryRequest> {
    const request = await this.#deps.requests.findById(id);
    if (!request) throw new RecoveryRequestNotFoundError();
    if (request.status !== 'pending') throw new RecoveryRequestDecidedError(request.status);
    return request;
  }

  /** Another operator decided between our read and our transition. */
  async #lostRace(id: string): Promise<RecoveryRequestDecidedError> {
    return new RecoveryRequestDecidedError((await this.#deps.requests.findById(id))?.status ?? 'gone');
  }

  /** The approval stands even when a delivery fails; the operator sees it in the answer. */
  async #deliver(send: () => Promise<void>, accountId: string, channel: 'mail' | 'sms'): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (err) {
      this.#deps.logger.error({ err, accountId, channel }, 'recovery enrolment link could not be delivered');
      return false;
    }
  }
}

function compare(given: string, verified: string | null): ContactMatch {
  if (!given) return 'not_given';
  if (verified === null) return 'no_verified_contact';
  return given === verified ? 'match' : 'mismatch';
}

