// What proving the sign-in address does to an account whose address was never proven (issue 10,
// account pre-hijacking). Such accounts come from password sign-ups made before sign-ups proved
// their address: a stranger could have signed up with someone else's address, set the password and
// added passkeys, phones and contacts, waiting for the owner to take the account over with a
// password reset and use it. So the first proof of the address — a reset code that reached it —
// keeps nothing the stranger could still use:
// - every passkey (and so every phone, whose passkey it is) and every phone record,
// - both verified contacts (a stranger's contact mobile or e-mail would get the notices and codes),
// - every connected partner service (grants consented to before the proof),
// and the reset that follows replaces the password and ends every session, token and trusted
// browser (accounts/access-revocation.ts). The account is then told what happened. A proven
// account loses nothing here: its authenticators were added by someone who holds the address.
import type { AccessRevocation } from '../../accounts/access-revocation.ts';
import type { AccountService } from '../../accounts/account-service.ts';
import type { AuditContext } from '../../audit/audit-log.ts';
import type { DeviceService } from '../../devices/device-service.ts';
import { mailText } from '../../i18n/mail-text.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { AccountNotifier } from '../../notify/account-notifier.ts';
import type { PasskeyService } from '../../passkeys/passkey-service.ts';
import type { Account } from '../../store/types.ts';

export interface AddressProofDeps {
  accounts: AccountService;
  passkeys: Pick<PasskeyService, 'removeAll'>;
  devices: Pick<DeviceService, 'forgetAll'>;
  revocation: Pick<AccessRevocation, 'grants' | 'revokeGrant'>;
  notifier: Pick<AccountNotifier, 'notify'>;
}

const REASON = 'address_proven';

export class AddressProof {
  readonly #d: AddressProofDeps;

  constructor(deps: AddressProofDeps) {
    this.#d = deps;
  }

  /**
   * The reset code proved `account`'s address. For an unproven account: marks it proven, removes
   * what was added before (above) and tells the account. Returns the account as it is afterwards.
   */
  async proven(account: Account, audit: AuditContext, lang: Lang): Promise<Account> {
    if (account.emailVerified) return account;
    // One proof wins (the store's conditional update); a second, racing one finds it proven.
    const marked = await this.#d.accounts.markEmailProven(account, audit, 'password_reset');
    if (!marked) return (await this.#d.accounts.findById(account.id)) ?? account;
    const devices = await this.#d.devices.forgetAll(account.id, audit, REASON);
    const passkeys = await this.#d.passkeys.removeAll(account.id, audit, REASON);
    let current = marked;
    for (const kind of ['email', 'mobile'] as const) {
      if ((kind === 'email' ? current.contactEmail : current.contactMobile) !== null) current = await this.#d.accounts.removeContact(account.id, kind);
    }
    let grants = 0;
    for (const grant of await this.#d.revocation.grants(account.id)) {
      if (await this.#d.revocation.revokeGrant(account.id, grant.id, audit, REASON)) grants += 1;
    }
    const removed = devices + passkeys + grants > 0 || marked.contactEmail !== null || marked.contactMobile !== null;
    // Only the proven address is told: the contacts were removed as possibly a stranger's.
    await this.#d.notifier.notify(current, (l) => mailText(l).emailProven({ removed }), lang);
    return current;
  }
}
