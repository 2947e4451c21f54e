// The long-lived per-browser cookies of push sign-in: the trusted browser, the approval binding, and
// on a phone the device it was set up as. Both are opaque random values that
// mean nothing without the server's records; HttpOnly, SameSite=Lax, Secure on https.
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { readSignedJson, writeSignedJson } from './signed-cookie.ts';

/** The trusted-browser token (only its hash is stored). */
export const TRUSTED_BROWSER_COOKIE = 'tobira.tb';
/** Binds a push approval to the browser that asked for it. */
const BINDING_COOKIE = 'tobira.pb';

export function trustedBrowserToken(ctx: Context): string | undefined {
  return ctx.cookies.get(TRUSTED_BROWSER_COOKIE, { signed: false }) || undefined;
}

export function setTrustedBrowserToken(ctx: Context, token: string, days: number): void {
  ctx.cookies.set(TRUSTED_BROWSER_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, signed: false, overwrite: true, maxAge: days * 24 * 3600 * 1000 });
}

/** This browser's binding value, created on first use. */
export function browserBinding(ctx: Context): string {
  const existing = ctx.cookies.get(BINDING_COOKIE, { signed: false });
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const value = randomBytes(32).toString('base64url');
  ctx.cookies.set(BINDING_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, signed: false, overwrite: true, maxAge: 400 * 24 * 3600 * 1000 });
  return value;
}

/** On a phone: which set-up device this browser is (signed; the server checks it is the account's). */
const DEVICE_COOKIE = 'tobira.device';
const DEVICE_COOKIE_MAX_AGE_MS = 400 * 24 * 3600 * 1000;

export function phoneDeviceId(ctx: Context): string | undefined {
  return readSignedJson<{ deviceId: string }>(ctx, DEVICE_COOKIE)?.deviceId;
}

export function setPhoneDeviceId(ctx: Context, deviceId: string): void {
  writeSignedJson(ctx, DEVICE_COOKIE, { deviceId }, DEVICE_COOKIE_MAX_AGE_MS);
}

/**
 * The account that last signed in in this browser, and when (epoch seconds): the sign-in page
 * may tailor its ways to that account, and to no other (interactions/sign-in-plan.ts). Signed, so
 * only a browser that signed in as the account holds it; a revocation after `at` voids it.
 */
const REMEMBERED_ACCOUNT_COOKIE = 'tobira.ra';

export interface RememberedAccount {
  accountId: string;
  at: number;
}

export function rememberedAccount(ctx: Context): RememberedAccount | undefined {
  const value = readSignedJson<Partial<RememberedAccount>>(ctx, REMEMBERED_ACCOUNT_COOKIE);
  return typeof value?.accountId === 'string' && typeof value.at === 'number' ? { accountId: value.accountId, at: value.at } : undefined;
}

export function setRememberedAccount(ctx: Context, accountId: string, at: number, days: number): void {
  writeSignedJson(ctx, REMEMBERED_ACCOUNT_COOKIE, { accountId, at }, days * 24 * 3600 * 1000);
}
