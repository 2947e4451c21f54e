// Rules for trusted browsers: a browser becomes trusted after a number-matched phone approval or a
// passkey sign-in in it; trusted browsers skip number matching. The browser holds an opaque random
// token; only its SHA-256 is stored, so a stolen database cannot be replayed as cookies, and a
// revoked browser's cookie matches nothing.
import { createHash, randomBytes } from 'node:crypto';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import type { TrustedBrowser, TrustedBrowserRepository } from '../store/types.ts';
import { requireCleanName } from '../names.ts';
import { browserLabel } from './browser-label.ts';
import { TrustedBrowserNotFoundError } from './errors.ts';

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class TrustedBrowserService {
  readonly #browsers: TrustedBrowserRepository;
  readonly #audit: AuditLog;
  readonly #now: () => number;

  constructor(browsers: TrustedBrowserRepository, audit: AuditLog, now: () => number = Date.now) {
    this.#browsers = browsers;
    this.#audit = audit;
    this.#now = now;
  }

  /** The trusted-browser record this browser's token stands for, for this account only. */
  async recognise(token: string | undefined, accountId: string): Promise<TrustedBrowser | undefined> {
    if (!token) return undefined;
    const browser = await this.#browsers.findByTokenHash(tokenHash(token));
    if (!browser || browser.accountId !== accountId) return undefined;
    await this.#browsers.touch(browser.id, new Date(this.#now()));
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
    const at = new Date(this.#now());
    const label = browserLabel(userAgent, 'en');
    const browser: TrustedBrowser = { id: randomBytes(16).toString('base64url'), accountId, tokenHash: tokenHash(token), label, name: label, createdAt: at, lastUsedAt: at };
    await this.#browsers.add(browser);
    await this.#audit.record('browser.trusted', accountId, audit, { browserId: browser.id, label });
    return token;
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
