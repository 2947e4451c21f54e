// Phone setup from a signed-in PC: the PC shows a short code (and its QR code); the phone that enters
// it registers its own passkey and Web Push subscription, without signing in, and the PC hears that
// the phone is ready. The phone's registration is an enrolment (purpose phone_setup) made through
// EnrolmentService, so it is audited and announced (`enrolment.completed`) like every other one;
// the phone then becomes a device through DeviceService (`device.added`: the account's addresses
// are told). See flow.ts for the states.
//
// Bound to the account and to the PC's session: the PC's session must still be signed in (the
// same rule as the provider's: not signed out, not ended by "sign out everywhere") when the phone
// claims the code and when it finishes; only that session sees the hand-off's state.
import { sourceSubject } from '../../limits/subjects.ts';
import { withClock, type Clocked } from '../../clock.ts';
import { randomBytes } from 'node:crypto';
import type { AuditContext, AuditLog } from '../../audit/audit-log.ts';
import type { DeviceService } from '../../devices/device-service.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { Mailer } from '../../notify/mailer.ts';
import { handoffRefusedMail } from '../../notify/messages.ts';
import type { RateLimiter } from '../../limits/rate-limiter.ts';
import { DuplicateKeyError } from '../../store/errors.ts';
import type { Account, AccountRepository, Device, PhoneHandoff, PhoneHandoffRepository } from '../../store/types.ts';
import type { EnrolmentService } from '../enrolment/service.ts';
import { PhoneHandoffInvalidError, PhoneHandoffRateLimitedError, PhoneHandoffStartsLimitedError } from './errors.ts';
import * as flow from './flow.ts';

/** The PC that shows the code: its account and its oidc-provider session. */
export interface HandoffPc {
  account: Account;
  sessionUid: string;
}

/** What the claiming phone keeps (its flow cookie) and shows with every later step. */
export interface PhoneKey {
  handoffId: string;
  ticketId: string;
  /** The enrolment ticket's secret; its hash is the hand-off's phoneKeyHash too. */
  secret: string;
}

export interface PhoneHandoffServiceDeps {
  handoffs: PhoneHandoffRepository;
  accounts: Pick<AccountRepository, 'findById'>;
  enrolment: Pick<EnrolmentService, 'issue' | 'registrationOptions' | 'complete'>;
  devices: Pick<DeviceService, 'checkSubscription' | 'addEnrolled'>;
  limiter: RateLimiter;
  audit: AuditLog;
  /** Whether the PC's session `uid` is still a live sign-in of the account. */
  sessionAlive: (uid: string, account: Account) => Promise<boolean>;
  /** The owner hears of a refused hand-off ("this wasn't me / cancel" on the phone). */
  mailer: Mailer;
  /** settings.recovery.phoneSetupHandoffTtlSeconds */
  ttlSeconds: number;
  now?: () => number;
}

export class PhoneHandoffService {
  readonly #d: Clocked<PhoneHandoffServiceDeps>;

  constructor(deps: PhoneHandoffServiceDeps) {
    this.#d = withClock(deps);
  }

  get ttlSeconds(): number {
    return this.#d.ttlSeconds;
  }

  /** A new hand-off for the PC (its caller checked the recent sign-in): the record and its code. */
  async start(pc: HandoffPc, audit: AuditContext): Promise<{ handoff: PhoneHandoff; code: string }> {
    if ((await this.#d.limiter.hit('phoneHandoffStarts', pc.account.id)).over) throw new PhoneHandoffStartsLimitedError();
    for (let attempt = 0; ; attempt += 1) {
      const code = flow.newCode();
      const handoff = flow.started({ id: randomBytes(16).toString('base64url'), code, accountId: pc.account.id, pcSessionUid: pc.sessionUid, now: this.#d.now(), ttlSeconds: this.#d.ttlSeconds });
      try {
        await this.#d.handoffs.create(handoff);
      } catch (err) {
        // Another live hand-off has this code (rare): draw again.
        if (err instanceof DuplicateKeyError && attempt < 3) continue;
        throw err;
      }
      await this.#d.audit.record('phone_handoff.started', pc.account.id, audit, { handoffId: handoff.id, expiresAt: handoff.expiresAt.toISOString() });
      return { handoff, code };
    }
  }

  /** The hand-off's state as its own PC sees it (any other session: expired). */
  async pcStatus(id: string, pc: HandoffPc): Promise<{ state: flow.PhoneHandoffState; deviceName: string | null }> {
    return flow.pcView(await this.#d.handoffs.find(id), { accountId: pc.account.id, sessionUid: pc.sessionUid }, this.#d.now());
  }

  /**
   * The phone typed (or scanned) `typed`: claims the waiting hand-off for this phone, once. Tries are
   * counted per address first; every way the code is not usable gets one answer.
   */
  async claim(typed: string, ip: string, audit: AuditContext): Promise<{ key: PhoneKey; expiresAt: Date }> {
    // Per source as every per-source limit counts it (an IPv6 /64; a loopback proxy not at all, or
    // one stranger behind it would spend the tries of every phone).
    const source = sourceSubject(ip);
    if (source !== undefined && (await this.#d.limiter.hit('phoneHandoffCodeTries', source)).over) throw new PhoneHandoffRateLimitedError();
    const code = flow.normaliseCode(typed);
    if (!code) throw new PhoneHandoffInvalidError();
    const handoff = flow.requireWaiting(await this.#d.handoffs.findWaitingByCode(flow.codeHash(code)), this.#d.now());
    const account = await this.#boundAccount(handoff);
    const remainingSeconds = Math.max(1, Math.floor((handoff.expiresAt.getTime() - this.#d.now()) / 1000));
    const issued = await this.#d.enrolment.issue(account.id, 'phone_setup', { ttlSeconds: remainingSeconds, sentTo: null });
    if (!await this.#d.handoffs.claim(handoff.id, { phoneKeyHash: flow.phoneKeyHash(issued.secret), enrolmentTicketId: issued.ticket.id })) throw new PhoneHandoffInvalidError();
    await this.#d.audit.record('phone_handoff.claimed', account.id, audit, { handoffId: handoff.id, ticketId: issued.ticket.id });
    return { key: { handoffId: handoff.id, ticketId: issued.ticket.id, secret: issued.secret }, expiresAt: handoff.expiresAt };
  }

  /** For the phone's set-up page: the account being set up, when this phone claimed a live hand-off. */
  async forPhone(key: PhoneKey): Promise<{ account: Account; expiresAt: Date }> {
    const { handoff, account } = await this.#claimed(key);
    return { account, expiresAt: handoff.expiresAt };
  }

  /** Registration options for the phone's own passkey (its platform authenticator). */
  async registrationOptions(key: PhoneKey): Promise<unknown> {
    await this.#claimed(key);
    return this.#d.enrolment.registrationOptions({ ticketId: key.ticketId, secret: key.secret });
  }

  /**
   * The phone's passkey and notifications: the subscription is checked first (nothing is added
   * without notifications), then the enrolment adds the passkey (single use), the phone becomes a
   * device, and the hand-off is completed for the PC to see.
   */
  async complete(key: PhoneKey, input: { name: string; subscription?: unknown; response: unknown }, lang: Lang, audit: AuditContext): Promise<Device> {
    const { handoff, account } = await this.#claimed(key);
    const subscription = this.#d.devices.checkSubscription(input.subscription);
    const { credentialId } = await this.#d.enrolment.complete({ ticketId: key.ticketId, secret: key.secret }, input.response, lang, audit);
    const device = await this.#d.devices.addEnrolled({ account, credentialId, subscription, name: input.name, lang, audit });
    const keepUntil = new Date(this.#d.now() + flow.COMPLETED_VISIBLE_MS);
    // The enrolment ticket was single-use and this phone's alone, so no second phone can win here;
    // false would only mean the hand-off ran out meanwhile (the PC then says "expired").
    const shownToPc = await this.#d.handoffs.complete(handoff.id, flow.phoneKeyHash(key.secret), input.name, keepUntil);
    await this.#d.audit.record('phone_handoff.completed', account.id, audit, { handoffId: handoff.id, deviceId: device.id, credentialId, shownToPc });
    return device;
  }

  /**
   * "This wasn't me / cancel" on the phone that claimed the code: the hand-off ends (nothing can be
   * set up with it, the PC page says so), it is audited, and the owner is mailed, in the phone's
   * language, that a phone they may not know opened their code. Also after the PC signed out: the
   * owner should hear of it all the more.
   */
  async refuse(key: PhoneKey, where: string, lang: Lang, audit: AuditContext): Promise<void> {
    const handoff = flow.requireClaimedBy(await this.#d.handoffs.find(key.handoffId), key.secret, this.#d.now());
    const account = await this.#d.accounts.findById(handoff.accountId);
    if (!account || handoff.enrolmentTicketId !== key.ticketId) throw new PhoneHandoffInvalidError();
    if (!await this.#d.handoffs.refuse(handoff.id, flow.phoneKeyHash(key.secret), new Date(this.#d.now() + flow.COMPLETED_VISIBLE_MS))) throw new PhoneHandoffInvalidError();
    await this.#d.audit.record('phone_handoff.refused', account.id, audit, { handoffId: handoff.id });
    try {
      await this.#d.mailer.send(handoffRefusedMail(lang, account.email, where));
    } catch (err) {
      await this.#d.audit.record('notice.failed', account.id, audit, { notice: 'phone_handoff.refused', error: (err as Error).message });
    }
  }

  async #claimed(key: PhoneKey): Promise<{ handoff: PhoneHandoff; account: Account }> {
    const handoff = flow.requireClaimedBy(await this.#d.handoffs.find(key.handoffId), key.secret, this.#d.now());
    if (handoff.enrolmentTicketId !== key.ticketId) throw new PhoneHandoffInvalidError();
    return { handoff, account: await this.#boundAccount(handoff) };
  }

  /** The hand-off's account, while the PC session that made it is still signed in. */
  async #boundAccount(handoff: PhoneHandoff): Promise<Account> {
    const account = await this.#d.accounts.findById(handoff.accountId);
    if (!account || !await this.#d.sessionAlive(handoff.pcSessionUid, account)) throw new PhoneHandoffInvalidError();
    return account;
  }
}
