// Rules for trusted browsers: a browser becomes trusted after a number-matched phone approval or a
// passkey sign-in in it; trusted browsers skip number matching. The browser holds an opaque random
// token; only its SHA-256 is stored, so a stolen database cannot be replayed as cookies, and a
// revoked browser's cookie matches nothing. Trust lasts the cookie's lifetime from the browser's
// last use, and an account keeps at most LIMITS.trustedBrowsers.cap of them (trimmed on a
// schedule): without both, every passkey sign-in from a new browser would add a record that no one
// ever removes.
import { createHash, randomBytes } from 'node:crypto';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import { LIMITS } from '../limits/limits.ts';
import type { TrustedBrowser, TrustedBrowserRepository } from '../store/types.ts';
import { requireCleanName } from '../names.ts';
import { browserLabel } from './browser-label.ts';
import { TrustedBrowserNotFoundError } from './errors.ts';

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The most trusted browsers an account keeps; past it the least recently used are forgotten. */
export const MAX_TRUSTED_BROWSERS = LIMITS.trustedBrowsers.cap;
/**
 * Accounts remembered for the next trim at most: past it (more new browsers between two runs than
 * this), an account is trimmed after its next new browser instead.
 */
const MAX_ACCOUNTS_TO_TRIM = 10_000;
const HOUSEKEEPING: AuditContext = { actor: 'system:housekeeping', ip: null, userAgent: null };

export class TrustedBrowserService {
  readonly #browsers: TrustedBrowserRepository;
  readonly #audit: AuditLog;
  readonly #trustMs: number;
  readonly #now: () => number;
  /** Accounts that trusted a new browser since the last trim. */
  readonly #grown = new Set<string>();

  /** `trustDays`: TRUSTED_BROWSER_DAYS, the trust cookie's lifetime. */
  constructor(browsers: TrustedBrowserRepository, audit: AuditLog, trustDays: number, now: () => number = Date.now) {
    this.#browsers = browsers;
    this.#audit = audit;
    this.#trustMs = trustDays * 24 * 3600 * 1000;
    this.#now = now;
  }

  /** The trusted-browser record this browser's token stands for, for this account only. */
  async recognise(token: string | undefined, accountId: string): Promise<TrustedBrowser | undefined> {
    if (!token) return undefined;
    const browser = await this.#browsers.findByTokenHash(tokenHash(token));
    if (!browser || browser.accountId !== accountId) return undefined;
    const at = this.#now();
    await this.#browsers.touch(browser.id, new Date(at), new Date(at + this.#trustMs));
    return browser;
  }

  /** The account this browser's token stands for, if any; nothing is touched (a mere look). */
  async accountOf(token: string | undefined): Promise<string | undefined> {
    if (!token) return undefined;
    return (await this.#browsers.findByTokenHash(tokenHash(token)))?.accountId;
  }

  /**
   * Trusts this browser for the account; returns the token for its cookie. An existing token that
   * already stands for this account is kept (one record per browser and account).
   */
  async trust(accountId: string, existingToken: string | undefined, userAgent: string | undefined, audit: AuditContext): Promise<string> {
    if (await this.recognise(existingToken, accountId)) return existingToken as string;
    const token = randomBytes(32).toString('base64url');
    const now = this.#now();
    const at = new Date(now);
    const label = browserLabel(userAgent, 'en');
    const browser: TrustedBrowser = { id: randomBytes(16).toString('base64url'), accountId, tokenHash: tokenHash(token), label, name: label, createdAt: at, lastUsedAt: at, expiresAt: new Date(now + this.#trustMs) };
    await this.#browsers.add(browser);
    await this.#audit.record('browser.trusted', accountId, audit, { browserId: browser.id, label });
    if (this.#grown.size < MAX_ACCOUNTS_TO_TRIM) this.#grown.add(accountId);
    return token;
  }

  /**
   * Keeps each account's MAX_TRUSTED_BROWSERS most recently used browsers and forgets the rest;
   * returns how many were forgotten. Only accounts this process trusted a browser for since its
   * last run can have grown past the cap, so only they are read: one list per such account, and
   * nothing at all on the sign-in itself. Run on a schedule (app/housekeeping.ts); in between, an
   * account may hold a few more. A browser two processes forget is removed and audited once.
   */
  async forgetBeyondCap(): Promise<number> {
    const accounts = [...this.#grown];
    this.#grown.clear();
    let forgotten = 0;
    for (const accountId of accounts) {
      const leastRecentlyUsedFirst = (await this.#browsers.listByAccount(accountId))
        .sort((a, b) => a.lastUsedAt.getTime() - b.lastUsedAt.getTime() || a.createdAt.getTime() - b.createdAt.getTime());
      for (const browser of leastRecentlyUsedFirst.slice(0, Math.max(0, leastRecentlyUsedFirst.length - MAX_TRUSTED_BROWSERS))) {
        if (!await this.#browsers.remove(accountId, browser.id)) continue;
        await this.#audit.record('browser.revoked', accountId, HOUSEKEEPING, { browserId: browser.id, reason: 'limit' });
        forgotten += 1;
      }
    }
    return forgotten;
  }

  list(accountId: string): Promise<TrustedBrowser[]> {
    return this.#browsers.listByAccount(accountId);
  }

  async rename(accountId: string, id: string, name: string, audit: AuditContext): Promise<void> {
    if (!await this.#browsers.rename(accountId, id, requireCleanName(name))) throw new TrustedBrowserNotFoundError();
    await this.#audit.record('browser.renamed', accountId, audit, { browserId: id, name });
  }

  async revoke(accountId: string, id: string, audit: AuditContext): Promise<void> {
    if (!await this.#browsers.remove(accountId, id)) throw new TrustedBrowserNotFoundError();
    await this.#audit.record('browser.revoked', accountId, audit, { browserId: id });
  }

  async revokeAll(accountId: string, audit: AuditContext): Promise<number> {
    const count = await this.#browsers.removeAllForAccount(accountId);
    await this.#audit.record('browser.revoked_all', accountId, audit, { count });
    return count;
  }
}
