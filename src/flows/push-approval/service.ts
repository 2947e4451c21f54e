// Push sign-in: a browser asks, every phone set up for the account is notified, and the user
// approves on a phone with its passkey (biometrics or screen lock). Approvals are short-lived,
// bound to one sign-in and one browser, single-use, limited per account (no MFA-fatigue
// bombing), and an untrusted browser must show a number the user matches on the phone.
import { withClock, type Clocked } from '../../clock.ts';
import { createHash, randomBytes } from 'node:crypto';
import type { AuditContext, AuditLog } from '../../audit/audit-log.ts';
import type { EventSink } from '../../events/event-bus.ts';
import type { TrustedBrowserService } from '../../browsers/trusted-browser-service.ts';
import type { PushSettings } from '../../config/settings.ts';
import type { Lang } from '../../i18n/lang.ts';
import { translator } from '../../i18n/messages.ts';
import { LIMITS } from '../../limits/limits.ts';
import type { RateLimiter } from '../../limits/rate-limiter.ts';
import type { Mailer } from '../../notify/mailer.ts';
import { pushReportedMail, pushWrongNumberMail } from '../../notify/messages.ts';
import type { PasskeyService } from '../../passkeys/passkey-service.ts';
import type {
  Account, AccountRepository, Approval, ApprovalOrigin, ApprovalRepository, BlockRepository, Device, DeviceRepository, PushSubscriptionRecord,
} from '../../store/types.ts';
import {
  ApprovalAlreadyDecidedError, ApprovalAlreadyUsedError, ApprovalNotFoundError, ApprovalRateLimitedError, PushBlockedError, PushPausedError,
  TooManyPendingApprovalsError, WrongNumberError,
} from './errors.ts';
import * as flow from './flow.ts';
import { DeviceRequiredError } from '../../devices/errors.ts';
import { newMatching } from './number-matching.ts';
import { DecisionSignal } from './decision-signal.ts';

export interface PushSender {
  send(subscription: PushSubscriptionRecord, payload: object, options: { ttlSeconds: number; urgency?: 'high' | 'normal'; topic?: string }): Promise<'sent' | 'gone'>;
}

/** The browser and place of a request as each language names them (`browser_ja`, `place_en`, …). */
export type ContextInEveryLang = { [K in `browser_${Lang}` | `place_${Lang}`]?: string };

/**
 * What the phone shows about the sign-in it is asked to approve. `browser` and `place` are in the
 * asking page's language; the phone shows its own language's (contextIn).
 */
export interface ApprovalContext extends ContextInEveryLang {
  client: string;
  clientLogo: string;
  browser: string;
  ip: string;
  place: string;
}

/** An approval's context as a reader in `lang` sees it: the browser and place in that language. */
export function contextIn(context: Record<string, string>, lang: Lang): Record<string, string> {
  return { ...context, browser: context[`browser_${lang}`] ?? context.browser ?? '', place: context[`place_${lang}`] ?? context.place ?? '' };
}

export type ApprovalStarted =
  /** `expiresInSeconds` lets the waiting page count down without trusting the browser's clock. */
  | { kind: 'sent'; approvalId: string; matching: Approval['matching']; number: string; expiresAt: Date; expiresInSeconds: number }
  | { kind: 'no_phone' };

export interface ApprovalDeps {
  issuer: string;
  accounts: AccountRepository;
  devices: DeviceRepository;
  approvals: ApprovalRepository;
  blocks: BlockRepository;
  /** Caps of limits.ts's push limits; counts denials per account (pushDenials). */
  limiter: RateLimiter;
  trustedBrowsers: TrustedBrowserService;
  passkeys: PasskeyService;
  push: PushSender;
  mailer: Mailer;
  audit: AuditLog;
  policy: PushSettings;
  /** Announces `approval.decided` (CIBA hands the result to the provider there). */
  events: EventSink;
  /** A failed read of the watch for other processes' decisions (decision-signal.ts). */
  onWatchError?: (err: unknown) => void;
  now?: () => number;
}

/**
 * How often a process asks which approvals its waiting pages wait for were decided elsewhere:
 * "phone approved → browser signed in" stays well under a quarter of a second across processes, at
 * one read per process per tick (none when nobody waits).
 */
export const DECISION_WATCH_MS = 100;


/** Whether the approval was asked for by this sign-in in this browser (CIBA approvals never are). */
function fromBrowser(origin: ApprovalOrigin, interactionUid: string, browserHash: string): boolean {
  return origin.kind === 'browser' && origin.interactionUid === interactionUid && origin.browserHash === browserHash;
}

export function bindingHash(binding: string): string {
  return createHash('sha256').update(binding).digest('hex');
}

const blockKey = (accountId: string): string => `push:${accountId}`;
/** The owner key of an unanswered request: no account id looks like it (ids are UUIDs). */
const unansweredKey = (email: string): string => `unanswered:${createHash('sha256').update(email).digest('hex')}`;
const isUnanswered = (accountId: string): boolean => accountId.startsWith('unanswered:');
const approvalChallengeKey = (approvalId: string, chosen: string): string => `approve:${approvalId}:${chosen}`;

export class ApprovalService {
  readonly #d: Clocked<ApprovalDeps>;
  readonly #decisions: DecisionSignal;

  constructor(deps: ApprovalDeps) {
    this.#d = withClock(deps);
    this.#decisions = new DecisionSignal({
      everyMs: DECISION_WATCH_MS,
      stillPending: (ids) => deps.approvals.pendingAmong(ids),
      onError: deps.onWatchError ?? (() => {}),
    });
  }

  /**
   * A sign-in in a browser asks the account's phones. An address with no phone to ask (no account,
   * or an account without phones) is answered exactly as one with a phone: a request is stored
   * under a key no account has, with a number, a countdown and the same caps, and it waits and
   * expires like one nobody answers. So the page tells a stranger neither that the account exists
   * nor that it has a phone (docs/security.md, "What the sign-in page shows and why").
   */
  async request(input: { email: string; interactionUid: string; browserBinding: string; trustedBrowserToken: string | undefined; context: ApprovalContext; audit: AuditContext; requireTyped?: boolean }): Promise<ApprovalStarted> {
    const email = input.email.trim().toLowerCase();
    const found = await this.#d.accounts.findByEmail(email);
    const devices = found ? await this.#d.devices.listByAccount(found.id) : [];
    const account = found && found.disabled === null && devices.length > 0 ? found : undefined;
    // The same steps for both, against the account or the unanswerable key.
    const key = account ? account.id : unansweredKey(email);
    const trusted = await this.#d.trustedBrowsers.recognise(input.trustedBrowserToken, key);
    // After a wrong number, browsers that must show one wait (pushWrongNumbers); trusted ones do not.
    if (!trusted && await this.#d.limiter.reached('pushWrongNumbers', key)) throw new PushPausedError();
    // A partner that needs the typed number gets it even in a trusted browser (acr push:typed).
    const mode = input.requireTyped === true ? 'type' : trusted ? 'none' : this.#d.policy.matching;
    return this.#start(key, account, devices, { origin: { kind: 'browser', interactionUid: input.interactionUid, browserHash: bindingHash(input.browserBinding) }, mode, context: input.context, audit: input.audit });
  }

  /**
   * A partner's CIBA backchannel request asks the account's phones. There is no browser and no
   * number: the phone shows the partner's binding message, which the user compares with what the
   * partner's own screen shows.
   */
  async requestBackchannel(input: { accountId: string; authReqId: string; context: ApprovalContext & { bindingMessage: string }; audit: AuditContext }): Promise<ApprovalStarted> {
    const account = await this.#d.accounts.findById(input.accountId);
    const devices = account ? await this.#d.devices.listByAccount(account.id) : [];
    if (!account || devices.length === 0) return { kind: 'no_phone' };
    // An empty browser hash matches no browser binding: only the provider can collect the result.
    return this.#start(account.id, account, devices, { origin: { kind: 'ciba', authReqId: input.authReqId }, mode: 'none', context: input.context, audit: input.audit });
  }

  /** `account` undefined: the unanswered request of an address with no phone (see request). */
  async #start(accountId: string, account: Account | undefined, devices: Device[], input: { origin: ApprovalOrigin; mode: Approval['matching']; context: ApprovalContext & { bindingMessage?: string }; audit: AuditContext }): Promise<ApprovalStarted> {
    const now = this.#d.now();
    if (await this.#d.blocks.find(blockKey(accountId))) throw new PushBlockedError();
    const { mode } = input;
    const { number, choices } = mode === 'none' ? { number: '', choices: [] } : newMatching(mode);
    const approval: Approval = {
      id: randomBytes(16).toString('base64url'),
      accountId,
      origin: input.origin,
      matching: mode,
      number,
      choices,
      context: { ...input.context, time: new Date(now).toISOString() },
      status: 'pending',
      createdAt: new Date(now),
      expiresAt: flow.expiresAt(now, this.#d.policy.approvalTtlSeconds),
      decidedAt: null,
      decidedBy: null,
      userVerified: false,
    };
    // pushPending and pushRequests are counted by the store together with the creation, so
    // simultaneous requests cannot all pass a count taken before any of them was stored.
    const created = await this.#d.approvals.createWithinCaps(approval, {
      maxPending: this.#d.limiter.cap('pushPending'),
      maxSince: this.#d.limiter.cap('pushRequests'),
      since: new Date(now - LIMITS.pushRequests.windowSeconds * 1000),
    });
    if (created === 'too_many_pending') throw new TooManyPendingApprovalsError();
    if (created === 'too_many_since') throw new ApprovalRateLimitedError();
    if (account) {
      await this.#d.audit.record('approval.requested', account.id, input.audit, { approvalId: approval.id, matching: mode, client: input.context.client, devices: devices.length });
      // Not awaited: the push services' round trips would make a real account's answer slower
      // than an unanswered one's. #notify records its own failures.
      void this.#notify(account, devices, approval, input.audit).catch(() => undefined);
    }
    const expiresInSeconds = Math.max(0, Math.round((approval.expiresAt.getTime() - this.#d.now()) / 1000));
    return { kind: 'sent', approvalId: approval.id, matching: mode, number, expiresAt: approval.expiresAt, expiresInSeconds };
  }

  async #notify(account: Account, devices: Device[], approval: Approval, audit: AuditContext): Promise<void> {
    // The number is not in the notification: the phone shows the choices only on the approval page.
    // The title and body say what it is (a sign-in request) in the language each phone was set up
    // in, as a lock screen shows them without opening tobira.
    const payloadFor = (device: Device): object => {
      const t = translator(device.lang);
      const context = contextIn(approval.context, device.lang);
      return {
        type: 'approval',
        approvalId: approval.id,
        url: `${this.#d.issuer}/device/approve/${approval.id}`,
        client: context.client,
        browser: context.browser,
        lang: device.lang,
        title: t('push.notification_title'),
        // A partner's back-channel request has no browser to name.
        body: context.browser
          ? t('push.notification_body', { client: context.client ?? '', browser: context.browser })
          : t('push.notification_body_plain', { client: context.client ?? '' }),
      };
    };
    await Promise.all(devices.map(async (device) => {
      try {
        const outcome = await this.#d.push.send(device.subscription, payloadFor(device), { ttlSeconds: this.#d.policy.approvalTtlSeconds, urgency: 'high', topic: 'signin' });
        if (outcome === 'gone') await this.#d.audit.record('device.push_gone', account.id, audit, { deviceId: device.id });
      } catch (err) {
        await this.#d.audit.record('device.push_failed', account.id, audit, { deviceId: device.id, error: (err as Error).message });
      }
    }));
  }

  /**
   * "Use another way" on the waiting page: the request is withdrawn, so a phone that opens it (or
   * has it open) says so instead of asking to approve. Only the browser and sign-in that asked may;
   * a request already answered stays as it is. Not a denial: it counts toward no pause.
   */
  async withdrawForBrowser(approvalId: string, interactionUid: string, browserBinding: string, audit: AuditContext): Promise<void> {
    const approval = flow.requirePending(await this.forBrowser(approvalId, interactionUid, browserBinding));
    const decided = await this.#d.approvals.decide(approval.id, flow.decided(approval, { status: 'withdrawn', at: new Date(this.#d.now()), deviceId: null, userVerified: false }));
    if (!decided) throw new ApprovalAlreadyDecidedError();
    await this.#d.events.emit('approval.decided', { approval: decided });
    if (!isUnanswered(approval.accountId)) await this.#d.audit.record('approval.withdrawn', approval.accountId, audit, { approvalId: approval.id });
  }

  /** The approval as the waiting sign-in page may see it: only from the browser and sign-in that asked. */
  /**
   * Resolves once `approvalId` is decided (by this process at once, by another within
   * DECISION_WATCH_MS and a read), or after `ms`: a waiting page reads the approval again either way.
   */
  untilDecided(approvalId: string, ms: number): Promise<void> {
    return this.#decisions.wait(approvalId, ms);
  }

  async forBrowser(approvalId: string, interactionUid: string, browserBinding: string): Promise<Approval> {
    const approval = flow.requireLive(await this.#d.approvals.find(approvalId), this.#d.now());
    if (!fromBrowser(approval.origin, interactionUid, bindingHash(browserBinding))) throw new ApprovalNotFoundError();
    return approval;
  }

  /**
   * The approved approval behind a finishing sign-in, with its account. It is used up here: a
   * second completion (a reload, a replayed request, or several at once) is refused, so one
   * approval makes one sign-in, one `login.succeeded` and one set of notices.
   */
  async completeForBrowser(approvalId: string, interactionUid: string, browserBinding: string): Promise<{ approval: Approval; account: Account }> {
    const approval = flow.requireApproved(await this.forBrowser(approvalId, interactionUid, browserBinding));
    const account = await this.#d.accounts.findById(approval.accountId);
    if (!account) throw new ApprovalNotFoundError();
    if (!await this.#d.approvals.complete(approval.id)) throw new ApprovalAlreadyUsedError();
    return { approval, account };
  }

  async #device(accountId: string, deviceId: string): Promise<Device> {
    const device = await this.#d.devices.findById(deviceId);
    if (!device || device.accountId !== accountId) throw new DeviceRequiredError();
    await this.#d.devices.touch(device.id, new Date(this.#d.now()));
    return device;
  }

  async #ofAccount(approvalId: string, accountId: string): Promise<Approval> {
    const approval = flow.requireLive(await this.#d.approvals.find(approvalId), this.#d.now());
    if (approval.accountId !== accountId) throw new ApprovalNotFoundError();
    return approval;
  }

  /** An approval as the phone may see it: only the account's own set-up phones. */
  async forDevice(approvalId: string, accountId: string, deviceId: string): Promise<Approval> {
    await this.#device(accountId, deviceId);
    return this.#ofAccount(approvalId, accountId);
  }

  async pendingForDevice(accountId: string, deviceId: string): Promise<Approval[]> {
    await this.#device(accountId, deviceId);
    return this.#d.approvals.listPending(accountId);
  }

  async #pendingForDevice(approvalId: string, accountId: string, deviceId: string): Promise<{ approval: Approval; device: Device }> {
    const device = await this.#device(accountId, deviceId);
    const approval = flow.requirePending(await this.#ofAccount(approvalId, accountId));
    return { approval, device };
  }

  /**
   * Step 1 of approving: the number the user picked or typed. A wrong number denies the request at
   * once and pauses number-matched push sign-in for the account (the user may be approving a
   * stranger's request without looking); the right one gets assertion options for this phone's
   * passkey, bound to the approval and number.
   */
  async approvalOptions(approvalId: string, accountId: string, deviceId: string, chosen: string, lang: Lang, audit: AuditContext): Promise<unknown> {
    const { approval, device } = await this.#pendingForDevice(approvalId, accountId, deviceId);
    const expected = approval.matching === 'none' ? '' : approval.number;
    if (chosen !== expected) {
      await this.#decideDenied(approval, deviceId, 'denied', audit, 'wrong_number');
      if (approval.matching !== 'none') await this.#pauseAfterWrongNumber(approval, lang, audit);
      throw new WrongNumberError();
    }
    return this.#d.passkeys.authenticationOptions(approvalChallengeKey(approval.id, chosen), accountId, [device.credentialId]);
  }

  /** Step 2: the phone's passkey assertion over that challenge approves the request. */
  async approve(approvalId: string, accountId: string, deviceId: string, chosen: string, response: unknown, audit: AuditContext): Promise<void> {
    const { approval, device } = await this.#pendingForDevice(approvalId, accountId, deviceId);
    const assertion = await this.#d.passkeys.verifyAuthentication(approvalChallengeKey(approval.id, chosen), response, accountId, audit);
    if (assertion.passkey.credentialId !== device.credentialId) throw new DeviceRequiredError();
    const decided = await this.#d.approvals.decide(approval.id, flow.decided(approval, { status: 'approved', at: new Date(this.#d.now()), deviceId, userVerified: assertion.userVerified }));
    if (!decided) throw new ApprovalAlreadyDecidedError();
    this.#decisions.wake(approval.id);
    await this.#d.audit.record('approval.approved', accountId, audit, { approvalId: approval.id, deviceId, userVerified: assertion.userVerified });
    await this.#d.events.emit('approval.decided', { approval: decided });
  }

  /** Deny, or "This wasn't me" (report): denied, audited, and reported ones pause push sign-in and tell the user. */
  async deny(approvalId: string, accountId: string, deviceId: string, report: boolean, lang: Lang, audit: AuditContext): Promise<void> {
    const { approval } = await this.#pendingForDevice(approvalId, accountId, deviceId);
    await this.#decideDenied(approval, deviceId, report ? 'reported' : 'denied', audit, report ? 'reported' : 'denied');
    if (report) {
      const account = await this.#d.accounts.findById(accountId);
      if (account) await this.#d.mailer.send(pushReportedMail(lang, account.email, contextIn(approval.context, lang)));
    }
  }

  /**
   * One wrong number opens a pushWrongNumbers window: browsers that must match a number are refused
   * until it ends. The pause begins with the first wrong number only (later ones in the window do
   * not extend it), and so do its audit event and the owner's e-mail: one per pause, not per pick.
   */
  async #pauseAfterWrongNumber(approval: Approval, lang: Lang, audit: AuditContext): Promise<void> {
    const hit = await this.#d.limiter.hit('pushWrongNumbers', approval.accountId);
    if (hit.count !== 1) return;
    const seconds = this.#d.policy.wrongNumberPauseSeconds;
    await this.#d.audit.record('push.paused', approval.accountId, audit, { approvalId: approval.id, reason: 'wrong_number', until: new Date(this.#d.now() + seconds * 1000).toISOString() });
    const account = await this.#d.accounts.findById(approval.accountId);
    if (!account) return;
    try {
      await this.#d.mailer.send(pushWrongNumberMail(lang, account.email, contextIn(approval.context, lang), Math.ceil(seconds / 60)));
    } catch (err) {
      // The phone still gets its clear wrong_number; the undelivered notice is on record.
      await this.#d.audit.record('notice.failed', approval.accountId, audit, { notice: 'push.paused', error: (err as Error).message });
    }
  }

  async #decideDenied(approval: Approval, deviceId: string, status: 'denied' | 'reported', audit: AuditContext, reason: string): Promise<void> {
    const now = this.#d.now();
    const decided = await this.#d.approvals.decide(approval.id, flow.decided(approval, { status, at: new Date(now), deviceId, userVerified: false }));
    if (!decided) throw new ApprovalAlreadyDecidedError();
    this.#decisions.wake(approval.id);
    await this.#d.events.emit('approval.decided', { approval: decided });
    await this.#d.audit.record(status === 'reported' ? 'approval.reported' : 'approval.denied', approval.accountId, audit, { approvalId: approval.id, deviceId, reason });
    const denials = await this.#d.limiter.hit('pushDenials', approval.accountId);
    if (status === 'reported' || denials.reached) {
      await this.#d.blocks.block(blockKey(approval.accountId), new Date(now + this.#d.policy.blockSeconds * 1000), status === 'reported' ? 'reported' : 'denials');
      await this.#d.audit.record('push.blocked', approval.accountId, audit, { reason, until: new Date(now + this.#d.policy.blockSeconds * 1000).toISOString() });
    }
  }
}
