// Trusted browsers in a Map keyed by id, with the cookie's hash kept unique across all accounts
// (the mongo store enforces it with a unique index), and the ids per account for its listing.
import { DuplicateKeyError } from '../errors.ts';
import type { TrustedBrowser, TrustedBrowserRepository } from '../types.ts';
import { isLive } from './expiry.ts';
import { footprintOf, type Footprint } from './footprint.ts';

/** A copy that shares nothing with `browser`: exactly the TrustedBrowser fields. */
function copyBrowser(browser: TrustedBrowser): TrustedBrowser {
  return {
    id: browser.id,
    accountId: browser.accountId,
    tokenHash: browser.tokenHash,
    label: browser.label,
    name: browser.name,
    createdAt: new Date(browser.createdAt),
    lastUsedAt: new Date(browser.lastUsedAt),
    expiresAt: new Date(browser.expiresAt),
  };
}

/** Oldest first; the id breaks ties, as in the mongo store. */
function byCreation(a: TrustedBrowser, b: TrustedBrowser): number {
  const diff = a.createdAt.getTime() - b.createdAt.getTime();
  if (diff !== 0) return diff;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

export class MemoryTrustedBrowsers implements TrustedBrowserRepository {
  readonly #now: () => number;
  readonly #byId = new Map<string, TrustedBrowser>();
  readonly #idByTokenHash = new Map<string, string>();
  readonly #idsByAccount = new Map<string, Set<string>>();

  constructor(now: () => number) {
    this.#now = now;
  }

  async add(browser: TrustedBrowser): Promise<void> {
    if (this.#idByTokenHash.has(browser.tokenHash)) throw new DuplicateKeyError('tokenHash');
    if (this.#byId.has(browser.id)) throw new DuplicateKeyError('id');
    this.#byId.set(browser.id, copyBrowser(browser));
    this.#idByTokenHash.set(browser.tokenHash, browser.id);
    let ids = this.#idsByAccount.get(browser.accountId);
    if (!ids) this.#idsByAccount.set(browser.accountId, ids = new Set());
    ids.add(browser.id);
  }

  async findByTokenHash(tokenHash: string): Promise<TrustedBrowser | undefined> {
    const id = this.#idByTokenHash.get(tokenHash);
    const browser = id === undefined ? undefined : this.#byId.get(id);
    return browser && this.#live(browser) ? copyBrowser(browser) : undefined;
  }

  async listByAccount(accountId: string): Promise<TrustedBrowser[]> {
    return this.#ofAccount(accountId)
      .filter((browser) => this.#live(browser))
      .sort(byCreation)
      .map(copyBrowser);
  }

  async touch(id: string, at: Date, expiresAt: Date): Promise<void> {
    const browser = this.#byId.get(id);
    if (!browser) return;
    browser.lastUsedAt = new Date(at);
    browser.expiresAt = new Date(expiresAt);
  }

  async rename(accountId: string, id: string, name: string): Promise<boolean> {
    const browser = this.#owned(accountId, id);
    if (!browser) return false;
    browser.name = name;
    return true;
  }

  async remove(accountId: string, id: string): Promise<boolean> {
    const browser = this.#owned(accountId, id);
    if (!browser) return false;
    this.#delete(browser);
    return true;
  }

  async removeAllForAccount(accountId: string): Promise<number> {
    let removed = 0;
    for (const browser of this.#ofAccount(accountId)) {
      this.#delete(browser);
      removed += 1;
    }
    return removed;
  }

  /** Removes the browsers expired at `at`; returns how many. */
  sweep(at: number): number {
    let removed = 0;
    for (const browser of [...this.#byId.values()]) {
      if (isLive(browser.expiresAt.getTime(), at)) continue;
      this.#delete(browser);
      removed += 1;
    }
    return removed;
  }

  #live(browser: TrustedBrowser): boolean {
    return isLive(browser.expiresAt.getTime(), this.#now());
  }

  #ofAccount(accountId: string): TrustedBrowser[] {
    const ids = this.#idsByAccount.get(accountId) ?? [];
    return [...ids].map((id) => this.#byId.get(id)).filter((browser) => browser !== undefined);
  }

  #delete(browser: TrustedBrowser): void {
    this.#byId.delete(browser.id);
    this.#idByTokenHash.delete(browser.tokenHash);
    const ids = this.#idsByAccount.get(browser.accountId);
    ids?.delete(browser.id);
    if (ids?.size === 0) this.#idsByAccount.delete(browser.accountId);
  }

  #owned(accountId: string, id: string): TrustedBrowser | undefined {
    const browser = this.#byId.get(id);
    return browser?.accountId === accountId ? browser : undefined;
  }

  footprint(): Footprint {
    return footprintOf(this.#byId.values());
  }
}
