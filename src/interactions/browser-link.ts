// Which account this browser has proven a link to, by cookies only the browser that signed in
// holds: the remembered account (set by every sign-in, voided by a later revocation) and the
// trusted-browser token (a passkey or number-matched phone sign-in). The sign-in plan may use that
// account's ways in when, and only when, it is the very account whose address was typed.
import type { Context } from 'koa';
import type { AccountService } from '../accounts/account-service.ts';
import type { TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import type { DeviceService } from '../devices/device-service.ts';
import { phoneDeviceId, rememberedAccount, trustedBrowserToken } from '../http/browser-cookies.ts';
import type { PasskeyService } from '../passkeys/passkey-service.ts';
import type { Account } from '../store/types.ts';
import type { LinkedAccount } from './sign-in-plan.ts';

export interface BrowserLinkDeps {
  accounts: AccountService;
  passkeys: PasskeyService;
  devices: DeviceService;
  trustedBrowsers: TrustedBrowserService;
}

/** The accounts this browser's own cookies stand for (at most two), whatever was typed. */
async function linkedAccounts(ctx: Context, deps: BrowserLinkDeps): Promise<Account[]> {
  const remembered = rememberedAccount(ctx);
  const trustedId = await deps.trustedBrowsers.accountOf(trustedBrowserToken(ctx));
  const found: Account[] = [];
  if (remembered) {
    const account = await deps.accounts.findById(remembered.accountId);
    // "Sign out everywhere" and every other revocation end the link made before them.
    if (account && (account.sessionsValidFrom === null || remembered.at >= account.sessionsValidFrom)) found.push(account);
  }
  if (trustedId && !found.some((a) => a.id === trustedId)) {
    const account = await deps.accounts.findById(trustedId);
    if (account) found.push(account);
  }
  return found;
}

/**
 * The typed account's ways in, when this browser is linked to it; undefined for every other
 * address, registered or not. The lookups depend on the browser's cookies, never on whether the
 * typed address exists: a stranger's browser, holding no link, makes none at all.
 */
export async function linkedAccountFor(ctx: Context, deps: BrowserLinkDeps, typedEmail: string): Promise<LinkedAccount | undefined> {
  const accounts = await linkedAccounts(ctx, deps);
  const email = typedEmail.trim().toLowerCase();
  const account = accounts.find((a) => a.email === email);
  if (!account) return undefined;
  const [passkeys, phones] = await Promise.all([deps.passkeys.list(account.id), deps.devices.list(account.id)]);
  const phoneCredentials = new Set(phones.map((p) => p.credentialId));
  const thisPhone = phoneDeviceId(ctx);
  return {
    passkeys: passkeys.filter((p) => !phoneCredentials.has(p.credentialId)).length,
    phones: phones.length,
    password: account.passwordHash !== null,
    alwaysPasskey: account.alwaysPasskey,
    thisBrowserIsItsPhone: thisPhone !== undefined && phones.some((p) => p.id === thisPhone),
  };
}
