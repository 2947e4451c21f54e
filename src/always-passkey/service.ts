// "Always passkey" (いつもパスキー設定): the account has no password at all, so nothing that rests on
// a password can be used against it. Turning it on needs a phone set up for sign-in (otherwise the
// user could lock themselves out); turning it off needs a new, strong password.
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import type { Lang } from '../i18n/lang.ts';
import type { AccountNotifier } from '../notify/account-notifier.ts';
import { ACR } from '../assurance/assurance.ts';
import type { ClientDirectory } from '../clients/client-directory.ts';
import { refusesClient } from './policy.ts';
import type { Account, DeviceRepository, OidcModelStore, PasskeyRepository } from '../store/types.ts';
import type { AccessRevocation } from '../accounts/access-revocation.ts';
import type { AccountService } from '../accounts/account-service.ts';
import { alwaysPasskeyOffNotice, alwaysPasskeyOnNotice } from './notices.ts';
import { AlwaysPasskeyNotOnError, PhoneRequiredError } from './errors.ts';
import { AccountNotFoundError } from '../accounts/errors.ts';

export interface AlwaysPasskeyStatus {
  on: boolean;
  hasPassword: boolean;
  /** The state as the account menu says it: "off" means "a password works too" only when there is one. */
  stateKey: 'apk.state_on' | 'apk.state_off' | 'apk.state_off_no_password';
  /** Phones set up for push sign-in whose passkey still exists: the ways in once the password is gone. */
  phones: Array<{ id: string; name: string }>;
  /** Connected partner services that depend on a password: turning the mode on disconnects them. */
  passwordDependentServices: Array<{ grantId: string; clientId: string; name: string }>;
}

/** oidc-provider's records that a password sign-in can leave behind, besides its session. */
const TOKEN_MODELS = ['RefreshToken', 'AuthorizationCode', 'AccessToken'] as const;

export interface AlwaysPasskeyDeps {
  /** The writer of the sign-in mode and the password. */
  accounts: AccountService;
  devices: DeviceRepository;
  passkeys: PasskeyRepository;
  /** oidc-provider's stored models ('Session', 'RefreshToken', ...), through the port. */
  oidc: (model: string) => OidcModelStore;
  revocation: AccessRevocation;
  audit: AuditLog;
  notifier: AccountNotifier;
  clients: ClientDirectory;
}

export class AlwaysPasskeyService {
  readonly #deps: AlwaysPasskeyDeps;

  constructor(deps: AlwaysPasskeyDeps) {
    this.#deps = deps;
  }

  async status(account: Account): Promise<AlwaysPasskeyStatus> {
    const [phones, passwordDependentServices] = await Promise.all([this.#readyPhones(account.id), this.#passwordDependentServices(account.id)]);
    const hasPassword = account.passwordHash !== null;
    const stateKey = account.alwaysPasskey ? 'apk.state_on' : hasPassword ? 'apk.state_off' : 'apk.state_off_no_password';
    return { on: account.alwaysPasskey, hasPassword, stateKey, phones, passwordDependentServices };
  }

  /**
   * Destroys the password and sets the mode; disconnects password-dependent partner services and
   * ends every sign-in made with the password: its sessions (the one making the change too, when
   * it was one of them) and the tokens and codes issued in them. Refused (PhoneRequiredError,
   * nothing changed) without a ready phone.
   */
  async turnOn(account: Account, options: { audit: AuditContext; lang: Lang }): Promise<Account> {
    const phones = await this.#readyPhones(account.id);
    if (phones.length === 0) throw new PhoneRequiredError();
    const updated = await this.#deps.accounts.turnAlwaysPasskeyOn(account.id);
    if (!updated) {
      // Already on (a second tab, a double click): nothing more to do.
      const current = await this.#deps.accounts.findById(account.id);
      if (current?.alwaysPasskey) return current;
      throw new AccountNotFoundError();
    }
    const revoked: string[] = [];
    for (const service of await this.#passwordDependentServices(account.id)) {
      if (await this.#deps.revocation.revokeGrant(account.id, service.grantId, options.audit, 'always_passkey')) revoked.push(service.clientId);
    }
    const { endedSessions, revokedTokens } = await this.#endPasswordSignIns(account.id);
    await this.#deps.audit.record('account.always_passkey_on', account.id, options.audit, {
      passwordDeleted: account.passwordHash !== null,
      phones: phones.length,
      revokedClients: revoked,
      endedSessions,
      revokedTokens,
    });
    await this.#deps.notifier.notify(updated, (lang) => alwaysPasskeyOnNotice(lang, revoked.map((id) => this.#deps.clients.name(id))), options.lang);
    return updated;
  }

  /**
   * Sets a new password (held to the password policy) and clears the mode. The caller has checked
   * the fresh passkey sign-in.
   */
  async turnOff(account: Account, newPassword: string, options: { audit: AuditContext; lang: Lang }): Promise<Account> {
    const current = await this.#deps.accounts.findById(account.id);
    if (!current) throw new AccountNotFoundError();
    if (!current.alwaysPasskey) throw new AlwaysPasskeyNotOnError();
    // Only if still on: two tabs turning it off cannot both set a password.
    const updated = await this.#deps.accounts.turnAlwaysPasskeyOff(current, newPassword);
    if (!updated) throw new AlwaysPasskeyNotOnError();
    // While the mode was on no password sign-in may count; one that got a session all the same (a
    // sign-in finished before the switch and refused on its way back) must not come back to life
    // with the new password.
    const { endedSessions } = await this.#endPasswordSignIns(account.id);
    await this.#deps.audit.record('account.always_passkey_off', account.id, options.audit, { passwordSet: true, endedSessions });
    await this.#deps.notifier.notify(updated, alwaysPasskeyOffNotice, options.lang);
    return updated;
  }

  async #readyPhones(accountId: string): Promise<Array<{ id: string; name: string }>> {
    const ready: Array<{ id: string; name: string }> = [];
    for (const device of await this.#deps.devices.listByAccount(accountId)) {
      const passkey = await this.#deps.passkeys.findByCredentialId(device.credentialId);
      if (passkey?.accountId === accountId) ready.push({ id: device.id, name: device.name });
    }
    return ready;
  }

  async #passwordDependentServices(accountId: string): Promise<AlwaysPasskeyStatus['passwordDependentServices']> {
    const grants = await this.#deps.revocation.grants(accountId);
    return grants
      // The services the account is refused once the mode is on.
      .filter((grant) => refusesClient({ alwaysPasskey: true }, this.#deps.clients.registration(grant.clientId)))
      .map((grant) => ({ grantId: grant.id, clientId: grant.clientId, name: this.#deps.clients.name(grant.clientId) }));
  }

  /**
   * Sessions signed in with the password, and the refresh tokens and codes issued with acr
   * password, with the access tokens of those sessions: the password they rest on is gone.
   */
  async #endPasswordSignIns(accountId: string): Promise<{ endedSessions: number; revokedTokens: number }> {
    const sessions = this.#deps.oidc('Session');
    const passwordSessionUids = new Set<string>();
    let endedSessions = 0;
    for (const { id, payload } of await sessions.listByAccountId(accountId)) {
      if (payload.acr !== ACR.PASSWORD) continue;
      if (typeof payload.uid === 'string') passwordSessionUids.add(payload.uid);
      await sessions.destroy(id);
      endedSessions += 1;
    }
    let revokedTokens = 0;
    for (const model of TOKEN_MODELS) {
      const records = this.#deps.oidc(model);
      for (const { id, payload } of await records.listByAccountId(accountId)) {
        // Access tokens carry no acr: they go with the session (or refresh token) they came from.
        const fromPassword = model === 'AccessToken'
          ? typeof payload.sessionUid === 'string' && passwordSessionUids.has(payload.sessionUid)
          : payload.acr === ACR.PASSWORD;
        if (!fromPassword) continue;
        if (typeof payload.sessionUid === 'string') passwordSessionUids.add(payload.sessionUid);
        await records.destroy(id);
        revokedTokens += 1;
      }
    }
    return { endedSessions, revokedTokens };
  }
}
