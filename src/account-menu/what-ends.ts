// What a destructive step in the account menu will end, counted before the user confirms it: the
// confirmation page says it in numbers and names ("signs you out of 3 browsers and ends the access
// of Partner Shop") rather than in general words. The counts are of this moment; the step itself
// is done by the owning service (devices, passkeys, trusted browsers, connected services).
import type { TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import type { DeviceService } from '../devices/device-service.ts';
import type { PasskeyService } from '../passkeys/passkey-service.ts';
import type { Account, Device, Passkey, TrustedBrowser } from '../store/types.ts';
import type { OidcModelStore } from '../store/ports/oidc-model.ts';
import type { ConnectedService, ConnectedServices } from './connected-services.ts';

/** Everything a phone's removal ends (AccessRevocation.revokeAll after DeviceService.remove). */
export interface EverySignInEnds {
  /** Browsers signed in to the account now (this one among them). */
  sessions: number;
  /** Partner services signed in now: their tokens end and they ask the user to sign in again. */
  services: string[];
  trustedBrowsers: number;
}

export type PasskeyDeletion =
  | { kind: 'passkey'; passkey: Passkey; lastPasskey: boolean }
  /** The only way in of an account without a password: refused (PasskeyService.remove). */
  | { kind: 'refused'; passkey: Passkey }
  /** A phone's passkey: deleting it removes the phone, with every consequence of that. */
  | { kind: 'phone'; passkey: Passkey; phone: Device; ends: EverySignInEnds };

export interface WhatEndsDeps {
  passkeys: Pick<PasskeyService, 'list'>;
  devices: Pick<DeviceService, 'list'>;
  trustedBrowsers: Pick<TrustedBrowserService, 'list'>;
  services: Pick<ConnectedServices, 'list'>;
  sessions: Pick<OidcModelStore, 'listByAccountId'>;
}

export class WhatEnds {
  readonly #d: WhatEndsDeps;

  constructor(deps: WhatEndsDeps) {
    this.#d = deps;
  }

  async everySignIn(accountId: string): Promise<EverySignInEnds> {
    const [sessions, services, browsers] = await Promise.all([
      this.#d.sessions.listByAccountId(accountId),
      this.#d.services.list(accountId),
      this.#d.trustedBrowsers.list(accountId),
    ]);
    return { sessions: sessions.length, services: services.filter((s) => s.signedIn).map((s) => s.name), trustedBrowsers: browsers.length };
  }

  /** Undefined when the passkey is not the account's. */
  async passkeyDeletion(account: Account, credentialId: string): Promise<PasskeyDeletion | undefined> {
    const passkeys = await this.#d.passkeys.list(account.id);
    const passkey = passkeys.find((p) => p.credentialId === credentialId);
    if (!passkey) return undefined;
    if (passkeys.length === 1 && !account.passwordHash) return { kind: 'refused', passkey };
    const phone = (await this.#d.devices.list(account.id)).find((d) => d.credentialId === credentialId);
    if (phone) return { kind: 'phone', passkey, phone, ends: await this.everySignIn(account.id) };
    return { kind: 'passkey', passkey, lastPasskey: passkeys.length === 1 };
  }

  /** Undefined when the phone is not the account's. */
  async phoneRemoval(accountId: string, deviceId: string): Promise<{ phone: Device; ends: EverySignInEnds } | undefined> {
    const phone = (await this.#d.devices.list(accountId)).find((d) => d.id === deviceId);
    return phone ? { phone, ends: await this.everySignIn(accountId) } : undefined;
  }

  async browser(accountId: string, id: string): Promise<TrustedBrowser | undefined> {
    return (await this.#d.trustedBrowsers.list(accountId)).find((b) => b.id === id);
  }

  async service(accountId: string, clientId: string): Promise<ConnectedService | undefined> {
    return (await this.#d.services.list(accountId)).find((s) => s.clientId === clientId);
  }
}
