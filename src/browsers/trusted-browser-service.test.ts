// How long a browser stays trusted and how many an account keeps, on the memory store.
import assert from 'node:assert/strict';
import type { AuditContext } from '../audit/audit-log.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { createLogger } from '../log.ts';
import { createMemoryStore } from '../store/memory/index.ts';
import type { Store } from '../store/types.ts';
import { MAX_TRUSTED_BROWSERS, TrustedBrowserService } from './trusted-browser-service.ts';

const AUDIT: AuditContext = { actor: 'user', ip: '127.0.0.1', userAgent: 'unit test' };
const DAY = 24 * 3600_000;
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

describe('trusted browsers: lifetime and cap', () => {
  let clock: number;
  let store: Store;
  let browsers: TrustedBrowserService;

  beforeEach(() => {
    clock = Date.now();
    store = createMemoryStore({ now: () => clock });
    browsers = new TrustedBrowserService(store.trustedBrowsers, new AuditLog(store.audit, createLogger('silent')), 30, () => clock);
  });

  it('trusts a browser for TRUSTED_BROWSER_DAYS from its last use, and no longer after that', async () => {
    const token = await browsers.trust('acc-1', undefined, UA, AUDIT);
    clock += 29 * DAY;
    assert.ok(await browsers.recognise(token, 'acc-1'), 'used on day 29: trusted, and trusted 30 more days from now');
    clock += 29 * DAY;
    assert.ok(await browsers.recognise(token, 'acc-1'), 'day 58: 29 days after its last use');
    clock += 31 * DAY;
    assert.equal(await browsers.recognise(token, 'acc-1'), undefined, '31 days unused: its cookie has expired, and so has the trust');
    assert.deepEqual(await browsers.list('acc-1'), []);
    assert.equal(await browsers.accountOf(token), undefined);
  });

  it('forgets the least recently used browsers past the cap, audited, and keeps the rest and other accounts\' browsers', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < MAX_TRUSTED_BROWSERS + 1; i += 1) {
      tokens.push(await browsers.trust('acc-1', undefined, UA, AUDIT));
      clock += 1000;
    }
    // The first browser trusted is used again: now the second is the least recently used.
    assert.ok(await browsers.recognise(tokens[0], 'acc-1'));
    clock += 1000;
    const newest = await browsers.trust('acc-1', undefined, UA, AUDIT);
    const others: string[] = [];
    for (let i = 0; i < MAX_TRUSTED_BROWSERS; i += 1) others.push(await browsers.trust('acc-2', undefined, UA, AUDIT));
    assert.equal((await browsers.list('acc-1')).length, MAX_TRUSTED_BROWSERS + 2, 'trusting costs no count: the cap is kept by the schedule');

    assert.equal(await browsers.forgetBeyondCap(), 2);
    assert.equal((await browsers.list('acc-1')).length, MAX_TRUSTED_BROWSERS);
    for (const forgotten of [tokens[1], tokens[2]]) assert.equal(await browsers.recognise(forgotten, 'acc-1'), undefined, 'the least recently used are no longer trusted');
    for (const token of [tokens[0], ...tokens.slice(3), newest]) assert.ok(await browsers.recognise(token, 'acc-1'));
    assert.equal((await browsers.list('acc-2')).length, MAX_TRUSTED_BROWSERS, 'an account at the cap keeps all of them');
    const events = (await store.audit.listByAccount('acc-1', 100)).filter((e) => e.type === 'browser.revoked');
    assert.equal(events.length, 2);
    assert.ok(events.every((e) => e.details.reason === 'limit' && e.actor === 'system:housekeeping'));
    assert.equal(await browsers.forgetBeyondCap(), 0, 'nothing left to forget');
  });

  it('trims an account that grew past the cap elsewhere once it trusts a browser here', async () => {
    // Written by another process (or before the cap existed): this process did not see it grow.
    for (let i = 0; i < MAX_TRUSTED_BROWSERS + 2; i += 1) {
      const at = new Date(clock - 1000 + i);
      await store.trustedBrowsers.add({ id: `tb-${i}`, accountId: 'acc-3', tokenHash: `hash-${i}`, label: 'l', name: 'n', createdAt: at, lastUsedAt: at, expiresAt: new Date(clock + DAY) });
    }
    assert.equal(await browsers.forgetBeyondCap(), 0, 'nothing this process trusted grew');
    await browsers.trust('acc-3', undefined, UA, AUDIT);
    assert.equal(await browsers.forgetBeyondCap(), 3);
    assert.deepEqual((await browsers.list('acc-3')).map((b) => b.id).slice(0, 2), ['tb-3', 'tb-4'], 'the three least recently used went');
  });

  it('keeps one record when a trusted browser is trusted again (its cookie stands for the account already)', async () => {
    const token = await browsers.trust('acc-1', undefined, UA, AUDIT);
    assert.equal(await browsers.trust('acc-1', token, UA, AUDIT), token);
    assert.equal((await browsers.list('acc-1')).length, 1);
  });
});
