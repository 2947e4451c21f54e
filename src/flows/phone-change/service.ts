// Phone change (機種変更) by contact codes, from the new phone without signing in: one code to the
// account's verified contact e-mail, one by SMS to its verified contact mobile number; both right →
// an enrolment link for this browser, to register a passkey on the new phone.
//
// Nothing here tells a stranger whether an account exists or has both contacts: for such an
// account the same attempt is made with codes that are never sent, so every later step (wrong
// code, attempt limit, expiry) answers exactly as for a real one, and delivery happens after the
// answer so timing tells nothing either.
import { withClock, type Clocked } from '../../clock.ts';
import { createHash, randomBytes } from 'node:crypto';
import type { AuditContext, AuditLog } from '../../audit/audit-log.ts';
import { normaliseEmail } from '../../accounts/account-service.ts';
import type { EnrolmentService, IssuedEnrolment } from '../enrolment/service.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Lang } from '../../i18n/lang.ts';
import { InvalidInputError } from '../../errors/http-errors.ts';
import type { RateLimiter } from '../../limits/rate-limiter.ts';
import { sourceSubject } from '../../limits/subjects.ts';
import type { Logger } from '../../log.ts';
import type { Mailer } from '../../notify/mailer.ts';
import type { SmsSender } from '../../notify/sms-sender.ts';
import { CodeInvalidError } from '../../one-time-codes/errors.ts';
import type { OneTimeCodeService } from '../../one-time-codes/one-time-code-service.ts';
import type { Account, AccountRepository, ContactKind } from '../../store/types.ts';
import { PhoneChangeRateLimitedError, PhoneChangeStepError } from './errors.ts';
import * as flow from './flow.ts';
import { CONTACT_KINDS, type PhoneChangeAttempt } from './flow.ts';
import { phoneChangeCodeMail, phoneChangeCodeSms } from './mails.ts';

export interface PhoneChangeServiceDeps {
  accounts: AccountRepository;
  codes: OneTimeCodeService;
  /** Counts starts (limits.ts's phoneChangeStarts*: each start sends a mail and an SMS). */
  limiter: RateLimiter;
  mailer: Mailer;
  sms: SmsSender;
  enrolment: EnrolmentService;
  audit: AuditLog;
  logger: Logger;
  /** How long the enrolment link handed to the new phone lives. */
  enrolmentTtlSeconds: number;
  now?: () => number;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Whose codes these are: the account, or for an unknown account ID a stand-in derived from it. */
function subjectOf(accountHint: string, account: Account | undefined): string {
  return account ? account.id : `unknown:${sha256(accountHint)}`;
}

/**
 * Each attempt has codes of its own, and wrong tries are counted per code (one-time-codes): a
 * stranger's wrong codes in an attempt of theirs never touch the owner's attempt.
 */
const codeKey = (subject: string, kind: ContactKind, attemptId: string): string => `phone-change:${kind}:${subject}:${attemptId}`;

export class PhoneChangeService {
  readonly #d: Clocked<PhoneChangeServiceDeps>;

  constructor(deps: PhoneChangeServiceDeps) {
    this.#d = withClock(deps);
  }

  get codeTtlMinutes(): number {
    return this.#d.codes.ttlMinutes;
  }

  /** An attempt outlives its codes a little, so a late entry hears "code expired", not "start again". */
  get attemptLifetimeMs(): number {
    return flow.attemptLifetimeMs(this.#d.codes.ttlMinutes);
  }

  /** Starts an attempt for the account ID; codes go out only when it has both verified contacts. */
  async start(accountHint: string, lang: Lang, audit: AuditContext): Promise<PhoneChangeAttempt> {
    const hint = normaliseEmail(accountHint);
    const account = await this.#d.accounts.findByEmail(hint);
    const subject = subjectOf(hint, account);
    // Per source first, then per account (the SMS budget): a stranger's starts from elsewhere do
    // not use up the owner's own five.
    const source = sourceSubject(audit.ip) ?? 'local';
    if ((await this.#d.limiter.hit('phoneChangeStarts', `${subject}:${source}`)).over) throw new PhoneChangeRateLimitedError();
    if ((await this.#d.limiter.hit('phoneChangeStartsPerAccount', subject)).over) throw new PhoneChangeRateLimitedError();
    const attempt = flow.started(randomBytes(16).toString('base64url'), hint, this.#d.now(), this.#d.codes.ttlMinutes);
    const email = account?.contactEmail?.value ?? '';
    const mobile = account?.contactMobile?.value ?? '';
    const emailCode = await this.#d.codes.issue(codeKey(subject, 'email', attempt.id), email);
    const mobileCode = await this.#d.codes.issue(codeKey(subject, 'mobile', attempt.id), mobile);
    if (!account || !email || !mobile) {
      await this.#d.audit.record('phone_change.codes_not_sent', account?.id ?? null, audit, { attemptId: attempt.id, reason: account ? 'contacts_missing' : 'unknown_account', ...(account ? {} : { accountHint: hint }) });
      return attempt;
    }
    await this.#d.audit.record('phone_change.codes_sent', account.id, audit, { attemptId: attempt.id });
    const minutes = this.#d.codes.ttlMinutes;
    // Not awaited: the answer must take as long whether or not anything is sent.
    void Promise.allSettled([
      this.#d.mailer.send(phoneChangeCodeMail(lang, email, emailCode, minutes)),
      this.#d.sms.send(phoneChangeCodeSms(lang, mobile, mobileCode, minutes)),
    ]).then((results) => {
      for (const result of results) {
        if (result.status === 'rejected') this.#d.logger.error({ err: result.reason, accountId: account.id }, 'phone change code could not be delivered');
      }
    });
    return attempt;
  }

  /**
   * Checks the codes not yet confirmed in this attempt (a right one while the other is still
   * missing or wrong is passed to `progress`, to be kept, so a typo in one does not cost the other);
   * when both are confirmed, hands out an enrolment link for the account. An attempt with both
   * confirmed is never handed back, so no replayed state can ask for a second link.
   */
  async verify(attempt: PhoneChangeAttempt, codes: Partial<Record<ContactKind, string>>, audit: AuditContext, progress: (attempt: PhoneChangeAttempt) => void): Promise<IssuedEnrolment> {
    flow.requireOpen(attempt, this.#d.now());
    const missing = CONTACT_KINDS.find((kind) => !flow.isConfirmed(attempt, kind) && !codes[kind]);
    if (missing) throw new InvalidInputError(`${missing}_code`);
    const account = await this.#d.accounts.findByEmail(attempt.account);
    const subject = subjectOf(attempt.account, account);
    let current: PhoneChangeAttempt | flow.Confirmed = attempt;
    for (const kind of CONTACT_KINDS) {
      if (current.step === 'confirmed' || flow.isConfirmed(current, kind)) continue;
      let target: string;
      try {
        target = await this.#d.codes.verify(codeKey(subject, kind, attempt.id), codes[kind] ?? '');
      } catch (err) {
        if (err instanceof AppError) await this.#d.audit.record('phone_change.code_failed', account?.id ?? null, audit, { attemptId: attempt.id, channel: kind, reason: err.code });
        throw err;
      }
      current = flow.confirm(current, kind, sha256(target));
      if (current.step !== 'confirmed') progress(current);
    }
    if (current.step !== 'confirmed') throw new PhoneChangeStepError();
    // The codes went to these very contacts (not to stand-ins, nor to contacts replaced meanwhile).
    const email = account?.contactEmail?.value;
    const mobile = account?.contactMobile?.value;
    if (!account || !email || !mobile || current.confirmed.email !== sha256(email) || current.confirmed.mobile !== sha256(mobile)) throw new CodeInvalidError();
    const issued = await this.#d.enrolment.issue(account.id, 'phone_change', { ttlSeconds: this.#d.enrolmentTtlSeconds, sentTo: null });
    await this.#d.audit.record('phone_change.verified', account.id, audit, { attemptId: attempt.id, ticketId: issued.ticket.id });
    return issued;
  }
}
