// Lost phone, nothing else works: a request anyone can file, an operator's decision, and the
// clean-up once the user has enrolled a new passkey through the link the approval sent.
//
// Rules:
// - Filing answers the same whether or not the account exists (the caller gets nothing back), and
//   does the same store work either way, so neither the answer nor its timing reveals accounts.
// - Requests per account ID (as typed) and source, and per source, are capped per hour
//   (limits.ts's recoveryRequests and recoveryRequestsPerSource), so requests a stranger files for
//   an account never use up the owner's: the owner's request from elsewhere is filed. A refusal
//   says so (it depends only on what this source sent, not on the account); the
//   count is race-safe, so requests arriving at once cannot slip past it.
// - Requests hold no control characters but tab and new line: operators read them in a terminal.
// - The enrolment link only ever goes to the account's verified addresses (the sign-in e-mail only
//   when it was verified), never to the contacts the requester typed (those are unverified:
//   operators compare them, nothing is sent to them).
// - Approval and rejection are single-winner transitions: two operators deciding at once send at
//   most one link.
// - Completion takes every other way in away: phones, passkeys, sessions, tokens, trusted browsers
//   and the password (whoever held the phone could have set one). Every step runs even when
//   another fails; a failed clean-up is retried once, then audited, and an operator re-runs it.
import { withClock, type Clocked } from '../../clock.ts';
import { randomBytes } from 'node:crypto';
import type { AccessRevocation } from '../../accounts/access-revocation.ts';
import { normaliseEmail, type AccountService } from '../../accounts/account-service.ts';
import type { AuditContext, AuditLog } from '../../audit/audit-log.ts';
import type { Lang } from '../../i18n/lang.ts';
import { normaliseMobileNumber } from '../../contacts/contact-format.ts';
import type { RateLimiter } from '../../limits/rate-limiter.ts';
import { addressSubject, sourceSubject } from '../../limits/subjects.ts';
import type { Logger } from '../../log.ts';
import type { AccountNotifier } from '../../notify/account-notifier.ts';
import type { Mailer } from '../../notify/mailer.ts';
import type { SmsSender } from '../../notify/sms-sender.ts';
import type {
  Account,
  AuditEvent,
  AuditRepository,
  DeviceRepository,
  EnrolmentTicket,
  PasskeyRepository,
  RecoveryCompletion,
  RecoveryRequest,
  RecoveryRequestRepository,
  RecoveryStatus,
} from '../../store/types.ts';
import {
  ContactRequiredError,
  ControlCharactersError,
  RecoveryAccountUnknownError,
  RecoveryCompletionFailedError,
  RecoveryEnrolmentNotUsedError,
  RecoveryNewPasskeyGoneError,
  RecoveryNoVerifiedContactError,
  RecoveryRequestDecidedError,
  RecoveryRequestNotFoundError,
  RecoveryThrottledError,
} from './errors.ts';
import * as flow from './flow.ts';
import { enrolmentLinkMail, enrolmentLinkSms, recoveryCompletedNotice, recoveryRequestedNotice } from './mails.ts';

/** Recent audit events shown to the operator with a request. */
const RECENT_EVENTS = 20;
/** The clean-up is tried this often before it is left to an operator. */
const CLEAN_UP_ATTEMPTS = 2;

/** C0 controls but tab and line feed, DEL, and C1 controls: they can redraw an operator's terminal. */
function isRefusedControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f);
}

export function hasControlCharacters(text: string): boolean {
  for (const char of text) {
    if (isRefusedControl(char.codePointAt(0) ?? 0)) return true;
  }
  return false;
}

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
  /** Who decides, as a short name (the operator's e-mail); the audit names the account (admin/acting-operator.ts). */
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
  /** When the enrolment link was used and the passkey it registered; null while unused. */
  enrolment: null | { at: Date; credentialId: string };
  /** The latest clean-up after the enrolment; null before there was one. */
  completion: RecoveryCompletion | null;
  recentEvents: AuditEvent[];
}

export interface Delivery {
  to: string;
  sent: boolean;
}

export interface RecoveryApproval {
  request: RecoveryRequest;
  /**
   * The link went by mail to `email` (the verified contact e-mail, else the sign-in e-mail when it
   * is verified) and by SMS to `sms` (the verified mobile); null where there is no such address.
   */
  delivery: { email: Delivery | null; sms: Delivery | null };
}

/** What an operator's `complete` did. */
export interface RecoveryCompletionResult {
  request: RecoveryRequest;
  completion: RecoveryCompletion;
}

export interface RecoveryServiceDeps {
  requests: RecoveryRequestRepository;
  /** The writer of the password. */
  accounts: AccountService;
  passkeys: PasskeyRepository;
  devices: DeviceRepository;
  /** Counts requests per account ID (limits.ts's recoveryRequests). */
  limiter: RateLimiter;
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
  readonly #deps: Clocked<RecoveryServiceDeps>;

  constructor(deps: RecoveryServiceDeps) {
    this.#deps = withClock(deps);
  }

  /**
   * Files a request. Returns nothing whether or not the account exists, so the page can only ever
   * say "received"; past the hourly limits of this source, RecoveryThrottledError. For a stored
   * request the account's own addresses are told that it was filed, without waiting for the
   * delivery (its time would reveal the account).
   */
  async submit(input: RecoveryRequestInput, audit: AuditContext): Promise<void> {
    if ([input.accountId, input.contactEmail, input.contactMobile, input.message].some(hasControlCharacters)) throw new ControlCharactersError();
    const contactEmail = input.contactEmail ? normaliseEmail(input.contactEmail) : '';
    // In the form verified contacts are stored in, so operators can compare them.
    const contactMobile = input.contactMobile ? normaliseMobileNumber(input.contactMobile) : '';
    if (!contactEmail && !contactMobile) throw new ContactRequiredError();
    const accountHint = normaliseEmail(input.accountId);
    const account = await this.#deps.accounts.findByEmail(accountHint);
    // Counted before anything is stored: of requests arriving at once, exactly the first ones of
    // the hour are kept, whatever became of earlier requests.
    const source = sourceSubject(audit.ip);
    const fromSource = source ? await this.#deps.limiter.hit('recoveryRequestsPerSource', source) : undefined;
    const filed = fromSource?.over ? fromSource : await this.#deps.limiter.hit('recoveryRequests', `${addressSubject(accountHint)}:${source ?? 'local'}`);
    if (filed.over) {
      await this.#deps.audit.record('recovery.throttled', account?.id ?? null, audit, { accountHint, filedThisHour: filed.count, limit: fromSource?.over ? 'recoveryRequestsPerSource' : 'recoveryRequests' });
      throw new RecoveryThrottledError();
    }
    const request = flow.filed({
      // Hex: operators copy it into a terminal, and an id starting with '-' would read as a CLI option.
      id: randomBytes(16).toString('hex'),
      accountId: account?.id ?? null,
      accountHint,
      contactEmail,
      contactMobile,
      message: input.message,
      ip: audit.ip,
      userAgent: audit.userAgent,
      createdAt: new Date(this.#deps.now()),
    });
    await this.#deps.requests.create(request);
    await this.#deps.audit.record('recovery.requested', request.accountId, audit, { requestId: request.id, accountHint, knownAccount: account !== undefined });
    if (account) void this.#deps.notifier.notify(account, recoveryRequestedNotice, 'ja');
  }

  /**
   * An operator files a request for an account (the user called support): pending, like one the
   * user filed, so the approval that sends the enrolment link is still its own audited step and
   * the link still goes only to the account's verified addresses. No contacts were typed to
   * compare; the operator's note is the message. Not counted against the hourly limits (those keep
   * strangers from flooding the queue); the account is told, as for any request.
   */
  async startForAccount(account: Account, note: string, audit: AuditContext): Promise<RecoveryRequest> {
    if (hasControlCharacters(note)) throw new ControlCharactersError();
    const request = flow.filed({
      id: randomBytes(16).toString('hex'),
      accountId: account.id,
      accountHint: account.email,
      contactEmail: '',
      contactMobile: '',
      message: note,
      ip: audit.ip,
      userAgent: audit.userAgent,
      createdAt: new Date(this.#deps.now()),
    });
    await this.#deps.requests.create(request);
    await this.#deps.audit.record('recovery.requested', account.id, audit, { requestId: request.id, accountHint: account.email, knownAccount: true, startedByOperator: true });
    void this.#deps.notifier.notify(account, recoveryRequestedNotice, 'ja');
    return request;
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
      return { request, account: null, contacts: { email: compare(request.contactEmail, null), mobile: compare(request.contactMobile, null) }, enrolment: null, completion: null, recentEvents: [] };
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
      enrolment: request.enrolment,
      completion: request.completion,
      recentEvents,
    };
  }

  /**
   * Approves a pending request that names an account, and sends the one-time enrolment link to
   * the account's verified contact e-mail (else its sign-in e-mail, only when that was verified)
   * and by SMS to its verified mobile. With no verified address at all it is refused and the
   * request stays pending. The link is never part of the answer: the operator cannot use it.
   */
  async approve(id: string, decision: OperatorDecision, audit: AuditContext): Promise<RecoveryApproval> {
    const request = await this.#pending(id);
    const account = request.accountId ? await this.#deps.accounts.findById(request.accountId) : undefined;
    if (!account) throw new RecoveryAccountUnknownError();
    // A password sign-up's address was never proven: a link there could reach someone else.
    const email = account.contactEmail?.value ?? (account.emailVerified ? account.email : null);
    const mobile = account.contactMobile?.value ?? null;
    if (email === null && mobile === null) throw new RecoveryNoVerifiedContactError();
    const sentTo = [email, mobile].filter((to) => to !== null).join(', ');
    const toApproved = flow.transition('approved');
    const approved = await this.#deps.requests.transition(id, toApproved.from, { status: toApproved.to, at: new Date(this.#deps.now()), by: audit.actor, note: decision.note, enrolmentSentTo: sentTo });
    if (!approved) throw await this.#lostRace(id);
    const ttlSeconds = this.#deps.enrolmentLinkTtlSeconds;
    const { ticket, link } = await this.#deps.enrolment.issue(account.id, 'recovery', { ttlSeconds, sentTo, recoveryRequestId: id });
    const delivery = {
      email: email ? { to: email, sent: await this.#deliver(() => this.#deps.mailer.send(enrolmentLinkMail(email, link, ttlSeconds)), account.id, 'mail') } : null,
      sms: mobile ? { to: mobile, sent: await this.#deliver(() => this.#deps.sms.send({ to: mobile, text: enrolmentLinkSms(link, ttlSeconds) }), account.id, 'sms') } : null,
    };
    await this.#deps.audit.record('recovery.approved', account.id, audit, { requestId: id, note: decision.note, ticketId: ticket.id, sentTo, delivered: { email: delivery.email?.sent ?? null, sms: delivery.sms?.sent ?? null } });
    return { request: approved, delivery };
  }

  /** Rejects a pending request. The requester is not told: the contacts they typed are unverified. */
  async reject(id: string, decision: OperatorDecision, audit: AuditContext): Promise<RecoveryRequest> {
    const request = await this.#pending(id);
    const toRejected = flow.transition('rejected');
    const rejected = await this.#deps.requests.transition(id, toRejected.from, { status: toRejected.to, at: new Date(this.#deps.now()), by: audit.actor, note: decision.note });
    if (!rejected) throw await this.#lostRace(id);
    await this.#deps.audit.record('recovery.rejected', request.accountId, audit, { requestId: id, reason: decision.note });
    return rejected;
  }

  /**
   * The enrolment link was used and `newCredentialId` registered (wired as the enrolment service's
   * onCompleted.recovery). Never throws: the user has the new passkey either way, and a clean-up
   * that fails twice is audited (`recovery.completion_failed`) and logged for an operator's
   * `complete`.
   */
  async completeEnrolment(ticket: EnrolmentTicket, newCredentialId: string, audit: AuditContext, lang: Lang): Promise<void> {
    // The request remembers its used link, so an operator's `complete` knows which passkey to keep.
    if (ticket.recoveryRequestId !== null) await this.#deps.requests.recordEnrolment(ticket.recoveryRequestId, { at: new Date(this.#deps.now()), credentialId: newCredentialId });
    await this.#finish(ticket.accountId, ticket.recoveryRequestId, newCredentialId, audit, lang);
  }

  /**
   * An operator re-runs the clean-up of an approved request whose enrolment link was used (its
   * first clean-up failed), keeping the passkey the link registered. Throws
   * RecoveryCompletionFailedError when it fails again.
   */
  async complete(id: string, audit: AuditContext): Promise<RecoveryCompletionResult> {
    const found = await this.#deps.requests.findById(id);
    if (!found) throw new RecoveryRequestNotFoundError();
    const request = flow.requireCompletable(found);
    const { enrolment } = request;
    if (!enrolment) throw new RecoveryEnrolmentNotUsedError();
    const kept = await this.#deps.passkeys.findByCredentialId(enrolment.credentialId);
    if (kept?.accountId !== request.accountId) throw new RecoveryNewPasskeyGoneError();
    const { completion, request: completed } = await this.#finish(request.accountId, id, enrolment.credentialId, audit, 'both');
    if (completion.outcome === 'failed') throw new RecoveryCompletionFailedError(completion.failedSteps);
    return { request: completed ?? (await this.#deps.requests.findById(id)) ?? request, completion };
  }

  /** The clean-up, tried twice; then the request is completed and the account told, or the failure audited. */
  async #finish(accountId: string, requestId: string | null, keep: string, audit: AuditContext, lang: Lang | 'both'): Promise<{ completion: RecoveryCompletion; request: RecoveryRequest | undefined }> {
    const totals = { removedPhones: 0, removedPasskeys: 0, sessions: 0, tokens: 0, trustedBrowsers: 0, passwordRemoved: false };
    let failures: StepFailure[] = [];
    let account: Account | undefined;
    let request: RecoveryRequest | undefined;
    let attempts = 0;
    while (attempts < CLEAN_UP_ATTEMPTS) {
      attempts += 1;
      const run = await this.#cleanUp(accountId, keep, audit);
      totals.removedPhones += run.removedPhones;
      totals.removedPasskeys += run.removedPasskeys;
      totals.sessions += run.sessions;
      totals.tokens += run.tokens;
      totals.trustedBrowsers += run.trustedBrowsers;
      totals.passwordRemoved ||= run.passwordRemoved;
      failures = run.failures;
      account = run.account;
      if (failures.length === 0 && requestId !== null) {
        try {
          const toCompleted = flow.transition('completed');
          request = await this.#deps.requests.transition(requestId, toCompleted.from, { status: toCompleted.to, at: new Date(this.#deps.now()) });
        } catch (err) {
          failures = [{ step: 'request', error: messageOf(err) }];
        }
      }
      if (failures.length === 0) break;
    }
    const failedSteps = [...new Set(failures.map((f) => f.step))];
    const completion: RecoveryCompletion = { outcome: failures.length === 0 ? 'completed' : 'failed', at: new Date(this.#deps.now()), actor: audit.actor, attempts, ...totals, failedSteps };
    if (requestId !== null) await this.#remember(requestId, completion);
    if (request) request = { ...request, completion };
    if (completion.outcome === 'failed') {
      const errors = failures.map((f) => `${f.step}: ${f.error}`);
      this.#deps.logger.error({ accountId, requestId, credentialId: keep, attempts, failedSteps, errors }, 'RECOVERY CLEAN-UP FAILED: the old phone, passkeys, sessions or password may still work; fix the cause, then run `npm run admin -- recovery complete <id>`');
      await this.#deps.audit.record('recovery.completion_failed', accountId, audit, { requestId, credentialId: keep, ...totals, attempts, failedSteps, errors });
      return { completion, request: undefined };
    }
    await this.#deps.audit.record('recovery.completed', accountId, audit, { requestId, requestCompleted: request !== undefined, credentialId: keep, ...totals, attempts });
    if (account) {
      const recovered = { passwordRemoved: totals.passwordRemoved, email: account.email, contactEmail: account.contactEmail?.value ?? null, contactMobile: account.contactMobile?.value ?? null };
      await this.#deps.notifier.notify(account, (notifyLang) => recoveryCompletedNotice(recovered, lang === 'both' ? 'both' : notifyLang), lang === 'both' ? 'ja' : lang);
    }
    return { completion, request };
  }

  /**
   * One pass: every other phone and passkey, then every session, token and trusted browser, then
   * the password, then the credentials once more (a session alive a moment ago could have added
   * one). A failing step is recorded and the others still run.
   */
  async #cleanUp(accountId: string, keep: string, audit: AuditContext): Promise<CleanUpRun> {
    const run: CleanUpRun = { removedPhones: 0, removedPasskeys: 0, sessions: 0, tokens: 0, trustedBrowsers: 0, passwordRemoved: false, failures: [], account: undefined };
    const step = async (name: string, work: () => Promise<void>): Promise<boolean> => {
      try {
        await work();
        return true;
      } catch (err) {
        run.failures.push({ step: name, error: messageOf(err) });
        return false;
      }
    };
    // Without the new passkey in place, removing "every other" one (or the password) would lock the user out.
    let keptIsTheAccounts = false;
    await step('new_passkey', async () => {
      keptIsTheAccounts = (await this.#deps.passkeys.findByCredentialId(keep))?.accountId === accountId;
      if (!keptIsTheAccounts) throw new Error(`the new passkey ${keep} is not the account's`);
    });
    const removeCredentials = async (): Promise<void> => {
      if (!keptIsTheAccounts) return;
      // Phones first: a phone whose passkey is gone could otherwise still be asked to approve.
      await step('phones', async () => { run.removedPhones += await this.#removePhones(accountId, keep, audit); });
      await step('passkeys', async () => { run.removedPasskeys += await this.#removePasskeys(accountId, keep, audit); });
    };
    await removeCredentials();
    await step('sessions', async () => {
      const revoked = await this.#deps.revocation.revokeAll(accountId, audit, { reason: 'recovery' });
      run.sessions += revoked.sessions;
      run.tokens += revoked.tokens;
      run.trustedBrowsers += revoked.trustedBrowsers;
    });
    await step('password', async () => {
      const account = await this.#deps.accounts.findById(accountId);
      if (!account) throw new Error('the account is gone');
      run.account = account;
      if (!keptIsTheAccounts || account.passwordHash === null) return;
      // The mode stays as it is; only the hash goes, and only if the mode did not change meanwhile.
      const updated = await this.#deps.accounts.removePassword(account);
      if (!updated) throw new Error('the account\'s sign-in mode changed meanwhile');
      run.account = updated;
      run.passwordRemoved = true;
      await this.#deps.audit.record('password.removed', accountId, audit, { reason: 'recovery' });
    });
    await removeCredentials();
    return run;
  }

  /** The request keeps its latest clean-up; the audit events stay the trail, so a failure here is only logged. */
  async #remember(requestId: string, completion: RecoveryCompletion): Promise<void> {
    try {
      await this.#deps.requests.recordCompletion(requestId, completion);
    } catch (err) {
      this.#deps.logger.error({ err, requestId, outcome: completion.outcome }, 'could not record the recovery clean-up on its request; the audit log has it');
    }
  }

  #removePhones(accountId: string, keep: string, audit: AuditContext): Promise<number> {
    return removeAllBut(keep, this.#deps.devices.listByAccount(accountId),
      (device) => this.#deps.devices.remove(accountId, device.id),
      (device) => this.#deps.audit.record('device.removed', accountId, audit, { deviceId: device.id, credentialId: device.credentialId, reason: 'recovery' }));
  }

  #removePasskeys(accountId: string, keep: string, audit: AuditContext): Promise<number> {
    return removeAllBut(keep, this.#deps.passkeys.listByAccount(accountId),
      (passkey) => this.#deps.passkeys.remove(accountId, passkey.credentialId),
      (passkey) => this.#deps.audit.record('passkey.deleted', accountId, audit, { credentialId: passkey.credentialId, reason: 'recovery' }));
  }


  async #pending(id: string): Promise<RecoveryRequest> {
    const request = await this.#deps.requests.findById(id);
    if (!request) throw new RecoveryRequestNotFoundError();
    return flow.requireDecidable(request);
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

interface StepFailure {
  step: string;
  error: string;
}

/** What one pass of the clean-up did: the counts a completion records, and what failed. */
interface CleanUpRun extends Pick<RecoveryCompletion, 'removedPhones' | 'removedPasskeys' | 'sessions' | 'tokens' | 'trustedBrowsers' | 'passwordRemoved'> {
  failures: StepFailure[];
  /** As it is after the pass (for the notice); undefined when it could not be read. */
  account: Account | undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}



function compare(given: string, verified: string | null): ContactMatch {
  if (!given) return 'not_given';
  if (verified === null) return 'no_verified_contact';
  return given === verified ? 'match' : 'mismatch';
}

/**
 * Removes every listed item but the one holding the kept credential, counting and auditing each
 * removal. One failing removal does not stop the others; the first failure is thrown at the end.
 */
async function removeAllBut<T extends { credentialId: string }>(keep: string, listed: Promise<T[]>, remove: (item: T) => Promise<boolean>, audited: (item: T) => Promise<void>): Promise<number> {
  let removed = 0;
  let failure: unknown;
  for (const item of await listed) {
    if (item.credentialId === keep) continue;
    try {
      if (!await remove(item)) continue;
    } catch (err) {
      failure ??= err;
      continue;
    }
    removed += 1;
    await audited(item);
  }
  if (failure !== undefined) throw failure;
  return removed;
}
