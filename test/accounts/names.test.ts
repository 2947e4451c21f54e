// Every name a user sets refuses control characters (NUL, ESC, BEL, line breaks, C1, bidi overrides
// such as U+202E) with a clear error, at the form and in the services, and nothing changes.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { addPasskey, csrfOf, member, menuOf, postJson } from '../support/account-menu.ts';
import { errorCodeOf, HttpBrowser } from '../support/http-browser.ts';
import { discover, partnerClient, PASSWORD, passwordStep, startAuthorization } from '../support/partner.ts';
import { jsonOf } from '../support/push-harness.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import type { Store } from '../../src/store/types.ts';
import { NameControlCharactersError } from '../../src/names.ts';
import { PasswordThrottle } from '../../src/accounts/password-throttle.ts';
import { RateLimiter } from '../../src/limits/rate-limiter.ts';
import { TEST_LIMIT_SETTINGS } from '../support/limits.ts';
import { AccountService } from '../../src/accounts/account-service.ts';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { createLogger } from '../../src/log.ts';

const HOSTILE = ['Mallory\u202Egpj.exe', 'NUL\u0000', 'ESC\u001b[2J', 'BEL\u0007', 'two\nlines', 'C1\u0085'];

for (const kind of FEATURE_STORES) {
  describe(`names refuse control characters (${kind} store)`, () => {
    let store: Store;
    let tobira: RunningTobira;
    let config: oidc.Configuration;

    before(async () => {
      store = await freshStore(kind);
      tobira = await startTobira({ store, clients: [partnerClient()] });
      config = await discover(tobira.issuer);
    });
    after(async () => {
      await tobira.close();
      await store.close();
    });

    it('the display name: refused with name_control_characters, the name unchanged', async () => {
      const m = await member(tobira.issuer, config, `names.profile.${kind}@example.com`);
      for (const name of HOSTILE) {
        const page = await m.browser.submit(await menuOf(tobira.issuer, m.browser, 'profile'), '/account/profile/name', { name });
        assert.equal(page.status, 400, name);
        assert.equal(errorCodeOf(page), 'name_control_characters', name);
      }
      assert.equal((await store.accounts.findById(m.accountId))?.name, 'Hanako Yamada');
    });

    it('a passkey, a phone and a browser name: refused, nothing renamed', async () => {
      const m = await member(tobira.issuer, config, `names.items.${kind}@example.com`);
      await addPasskey(tobira.issuer, m.browser);
      const [passkey] = await store.passkeys.listByAccount(m.accountId);
      assert.ok(passkey);
      const at = new Date();
      await store.devices.add({ id: 'D'.repeat(22), accountId: m.accountId, credentialId: passkey.credentialId, subscription: { endpoint: 'https://push.example/1', keys: { p256dh: 'p', auth: 'a' } }, name: 'Phone', lang: 'ja', createdAt: at, lastSeenAt: at });
      const browser = { id: 'B'.repeat(22), accountId: m.accountId, tokenHash: 'f'.repeat(64), label: 'Firefox on Windows', name: 'Firefox on Windows', createdAt: at, lastUsedAt: at, expiresAt: new Date(at.getTime() + 86_400_000) };
      await store.trustedBrowsers.add(browser);
      for (const name of HOSTILE) {
        const csrf = csrfOf(await menuOf(tobira.issuer, m.browser));
        const forms: Array<[string, Record<string, string>]> = [
          ['/account/passkeys/rename', { _csrf: csrf, credentialId: passkey.credentialId, name }],
          ['/account/phones/rename', { _csrf: csrf, id: 'D'.repeat(22), name }],
          ['/account/browsers/rename', { _csrf: csrf, id: browser.id, name }],
        ];
        for (const [path, form] of forms) {
          const page = await m.browser.request(`${tobira.issuer}${path}`, { form: { ...form } });
          assert.equal(page.status, 400, `${path} ${JSON.stringify(name)}`);
          assert.equal(errorCodeOf(page), 'name_control_characters', path);
        }
      }
      assert.equal((await store.passkeys.findByCredentialId(passkey.credentialId))?.name, passkey.name);
      assert.equal((await store.devices.findById('D'.repeat(22)))?.name, 'Phone');
      assert.equal((await store.trustedBrowsers.listByAccount(m.accountId)).find((b) => b.id === browser.id)?.name, browser.name);
    });

    it('the name at sign-up and a phone\'s name at setup: refused, nothing created', async () => {
      const browser = new HttpBrowser();
      const login = await browser.follow((await startAuthorization(config)).url.href);
      const email = `names.signup.${kind}@example.com`;
      const signup = await passwordStep(browser, login, email);
      const page = await browser.submit(signup, '/signup/password', { name: 'Mallory\u202Egpj.exe', password: PASSWORD });
      assert.equal(page.status, 400);
      assert.equal(errorCodeOf(page), 'name_control_characters');
      assert.equal(await store.accounts.findByEmail(email), undefined);

      const m = await member(tobira.issuer, config, `names.phone.${kind}@example.com`);
      const csrf = csrfOf(await menuOf(tobira.issuer, m.browser));
      const setup = await postJson(m.browser, `${tobira.issuer}/device/api/setup`, { name: 'Phone\u0007', subscription: { endpoint: 'https://127.0.0.1/x', keys: { p256dh: 'p', auth: 'a' } }, response: {} }, csrf);
      assert.equal(setup.status, 400);
      assert.equal(jsonOf(setup).error, 'name_control_characters');
      assert.deepEqual(await store.devices.listByAccount(m.accountId), []);
    });

    it('the services refuse it too, whatever the caller parsed', async () => {
      const accounts = new AccountService({ accounts: store.accounts, audit: new AuditLog(store.audit, createLogger('silent')), throttle: new PasswordThrottle(new RateLimiter(store.counters, TEST_LIMIT_SETTINGS)) });
      const account = (await store.accounts.findById((await member(tobira.issuer, config, `names.domain.${kind}@example.com`)).accountId))!;
      for (const name of HOSTILE) await assert.rejects(accounts.changeName(account, name, { actor: 'test', ip: null, userAgent: null }), NameControlCharactersError);
      assert.equal((await store.accounts.findById(account.id))?.name, 'Hanako Yamada');
    });
  });
}
