// Passkey device setup (パスキー端末設定): a phone becomes an approver for push sign-in when it
// holds a passkey of the account (made on the phone itself, with user verification) and a Web
// Push subscription. Without notifications there is no setup.
import { withClock, type Clocked } from '../clock.ts';
import type { EventSink } from '../events/event-bus.ts';
import { randomBytes } from 'node:crypto';
import type { AccessRevocation } from '../accounts/access-revocation.ts';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import type { Lang } from '../i18n/lang.ts';
import type { AccountNotifier } from '../notify/account-notifier.ts';
import type { PasskeyService } from '../passkeys/passkey-service.ts';
import type { Account, Device, DeviceRepository, PasskeyRepository, PushSubscriptionRecord } from '../store/types.ts';
import { PasskeyNotFoundError } from '../passkeys/errors.ts';
import { DeviceNotFoundError, NotificationsRequiredError } from './errors.ts';
import { requireCleanName } from '../names.ts';
import { phoneRemovedNotice } from './phone-removed-notice.ts';

export interface DeviceSetup {
  account: Account;
  name: string;
  /** As posted by the phone; checked by `validateSubscription` before anything else happens. */
  subscription: unknown;
  /**
   * Either a new passkey made on the phone (`registration`), or, when the phone already holds one
   * of the account's passkeys (it refuses a second one: excludeCredentials), an `assertion` with it.
   */
  proof: { registration: unknown } | { assertion: unknown };
  challengeKey: string;
  lang: Lang;
  audit: AuditContext;
}

/** Who removes a phone: the notice is in their language. */
export interface RemovedBy {
  lang: Lang;
}

export interface DeviceServiceDeps {
  devices: DeviceRepository;
  passkeyRecords: PasskeyRepository;
  passkeys: PasskeyService;
  audit: AuditLog;
  validateSubscription: (input: unknown) => PushSubscriptionRecord;
  revocation: Pick<AccessRevocation, 'revokeAll'>;
  notifier: Pick<AccountNotifier, 'notify'>;
  /** Announces `device.added`: the account's contacts are told that a new phone came in. */
  events: EventSink;
  now?: () => number;
}

export class DeviceService {
  readonly #d: Clocked<DeviceServiceDeps>;

  constructor(deps: DeviceServiceDeps) {
    this.#d = withClock(deps);
  }

  /** Whether the account has a passkey: then a new phone needs a recent passkey sign-in (http/account-guard.ts). */
  async accountHasPasskey(accountId: string): Promise<boolean> {
    return (await this.#d.passkeyRecords.listByAccount(accountId)).length > 0;
  }

  /** Whether `credentialId` is a passkey of the account that is not yet any phone's (an enrolled one may become this phone's). */
  async enrolledPasskeyUsable(accountId: string, credentialId: string): Promise<boolean> {
    const passkeys = await this.#d.passkeyRecords.listByAccount(accountId);
    if (!passkeys.some((p) => p.credentialId === credentialId)) return false;
    return !(await this.#d.devices.listByAccount(accountId)).some((d) => d.credentialId === credentialId);
  }

  /** Options for the phone's passkey: a platform authenticator (the phone's own biometrics). */
  registrationOptions(account: Account, challengeKey: string): Promise<unknown> {
    return this.#d.passkeys.registrationOptions(challengeKey, { id: account.webauthnUserId, name: account.email, displayName: account.name }, account.id, 'platform');
  }

  /** Options to prove a passkey the phone already holds. */
  existingPasskeyOptions(account: Account, challengeKey: string): Promise<unknown> {
    return this.#d.passkeys.authenticationOptions(challengeKey, account.id);
  }

  async setUp(input: DeviceSetup): Promise<Device> {
    requireCleanName(input.name);
    const subscription = this.checkSubscription(input.subscription);
    let credentialId: string;
    if ('registration' in input.proof) {
      const credential = await this.#d.passkeys.verifyRegistration(input.challengeKey, input.proof.registration, input.account.id);
      credentialId = (await this.#d.passkeys.addPasskey(input.account, credential, input.lang, input.audit, 'phone')).credentialId;
    } else {
      credentialId = (await this.#d.passkeys.verifyAuthentication(input.challengeKey, input.proof.assertion, input.account.id, input.audit)).passkey.credentialId;
    }
    return this.addEnrolled({ account: input.account, credentialId, subscription, name: input.name, lang: input.lang, audit: input.audit });
  }

  /** The phone's subscription as posted, checked; NotificationsRequiredError when there is none. */
  checkSubscription(input: unknown): PushSubscriptionRecord {
    if (input === undefined || input === null) throw new NotificationsRequiredError();
    return this.#d.validateSubscription(input);
  }

  /**
   * Sets up a phone whose passkey (`credentialId`, made on the phone) the account already holds:
   * after setUp's own proof, or after an enrolment made it (a phone set up from a PC). Audits and
   * announces `device.added`, so the account's addresses are told.
   */
  async addEnrolled(input: { account: Account; credentialId: string; subscription: PushSubscriptionRecord; name: string; lang: Lang; audit: AuditContext }): Promise<Device> {
    const { account, credentialId, subscription, name } = input;
    await this.#d.passkeyRecords.rename(account.id, credentialId, name);
    const at = new Date(this.#d.now());
    const device: Device = { id: randomBytes(16).toString('base64url'), accountId: account.id, credentialId, subscription, name, lang: input.lang, createdAt: at, lastSeenAt: at };
    await this.#d.devices.add(device);
    await this.#d.audit.record('device.added', account.id, input.audit, { deviceId: device.id, credentialId, name });
    await this.#d.events.emit('device.added', { account, device, lang: input.lang });
    return device;
  }

  /** The device behind this phone's device cookie, if it is still set up for this account. */
  async current(accountId: string, deviceId: string | undefined): Promise<Device | undefined> {
    if (!deviceId) return undefined;
    const device = await this.#d.devices.findById(deviceId);
    return device?.accountId === accountId ? device : undefined;
  }

  async updateSubscription(accountId: string, deviceId: string, input: unknown): Promise<void> {
    if (!await this.#d.devices.updateSubscription(accountId, deviceId, this.#d.validateSubscription(input), new Date(this.#d.now()))) throw new DeviceNotFoundError();
  }

  list(accountId: string): Promise<Device[]> {
    return this.#d.devices.listByAccount(accountId);
  }

  async rename(accountId: string, deviceId: string, name: string, audit: AuditContext): Promise<void> {
    if (!await this.#d.devices.rename(accountId, deviceId, requireCleanName(name))) throw new DeviceNotFoundError();
    await this.#d.audit.record('device.renamed', accountId, audit, { deviceId, name });
  }

  /**
   * Removing a phone also removes its passkey: a lost phone must not keep a way in. Refused like
   * any passkey deletion when it is the account's last way in. Whoever held the phone may have
   * signed in with it, so every session (the one doing the removal too: it may be the thief's),
   * every token and every trusted browser of the account goes too, and the account's addresses
   * are told.
   */
  async remove(account: Account, deviceId: string, audit: AuditContext, by: RemovedBy): Promise<void> {
    const device = await this.#d.devices.findById(deviceId);
    if (!device || device.accountId !== account.id) throw new DeviceNotFoundError();
    try {
      await this.#d.passkeys.remove(account, device.credentialId, audit);
    } catch (err) {
      if (!(err instanceof PasskeyNotFoundError)) throw err;
    }
    await this.#d.devices.remove(account.id, deviceId);
    await this.#d.audit.record('device.removed', account.id, audit, { deviceId, credentialId: device.credentialId });
    await this.#afterRemoval(account, device, audit, by);
  }

  /**
   * Forgets every phone of the account, for a caller that removes their passkeys, ends every
   * sign-in and tells the account itself (the sign-in address was just proven). Returns how many.
   */
  async forgetAll(accountId: string, audit: AuditContext, reason: string): Promise<number> {
    let removed = 0;
    for (const device of await this.#d.devices.listByAccount(accountId)) {
      if (!await this.#d.devices.remove(accountId, device.id)) continue;
      await this.#d.audit.record('device.removed', accountId, audit, { deviceId: device.id, credentialId: device.credentialId, reason });
      removed += 1;
    }
    return removed;
  }

  /**
   * After a passkey was deleted: a phone that approved with it can approve no more. Deleting a
   * phone's passkey removes the phone, with the same consequences as removing it. True when a
   * phone was removed (every sign-in of the account ended then).
   */
  async forgetCredential(account: Account, credentialId: string, audit: AuditContext, by: RemovedBy): Promise<boolean> {
    let removed = false;
    for (const device of await this.#d.devices.listByAccount(account.id)) {
      if (device.credentialId !== credentialId) continue;
      await this.#d.devices.remove(account.id, device.id);
      await this.#d.audit.record('device.removed', account.id, audit, { deviceId: device.id, credentialId, reason: 'passkey_deleted' });
      await this.#afterRemoval(account, device, audit, by);
      removed = true;
    }
    return removed;
  }

  async #afterRemoval(account: Account, device: Device, audit: AuditContext, by: RemovedBy): Promise<void> {
    await this.#d.revocation.revokeAll(account.id, audit, { reason: 'phone_removed' });
    await this.#d.notifier.notify(account, (lang) => phoneRemovedNotice(lang, device.name), by.lang);
  }
}
