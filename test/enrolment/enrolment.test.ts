// Enrolment links over HTTP with a software authenticator: the page never uses a link up, a
// registration does, once; a replayed, expired, forged or malformed link is refused with
// `enrolment_link_invalid` and adds nothing.
import assert from 'node:assert/strict';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { hashPassword } from '../../src/accounts/password-hasher.ts';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { loadSettings } from '../../src/config/settings.ts';
import { EnrolmentService, type IssuedEnrolment } from '../../src/enrolment/enrolment-service.ts';
import { createLogger } from '../../src/log.ts';
import { PasskeyService } from '../../src/passkeys/passkey-service.ts';
import type { Account, Store } from '../../src/store/types.ts';
import { errorCodeOf, HttpBrowser, type Page } from '../support/http-browser.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { freshStore, STORE_KINDS } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

function jsonOf(page: Page): Record<string, unknown> {
  return JSON.parse(page.body) as Record<string, unknown>;
}

for (const kind of STORE_KINDS) {
  describe(`enrolment links (${kind} store)`, function () {
    this.timeout(30_000);
    let offset = 0;
    const now = (): number => Date.now() + offset;
    let store: Store;
    let tobira: RunningTobira;
    let issuer: EnrolmentService;
    let account: Account;

    before(async () => {
      store = await freshStore(kind, { now });
      tobira = await startTobira({ store, now });
      const settings = loadSettings({ NODE_ENV: 'test', PORT: String(tobira.port) });
      const audit = new AuditLog(store.audit, createLogger('silent'));
      // The same service tobira runs, over the same store: only used here to hand out links.
      issuer = new EnrolmentService({
        issuer: tobira.issuer,
        tickets: store.enrolmentTickets,
        accounts: store.accounts,
        passkeys: new PasskeyService({ passkeys: store.passkeys, challenges: store.challenges, accounts: store.accounts, audit, settings: settings.webauthn, now }),
        audit,
        now,
        onCompleted: {},
      });
      account = await store.accounts.create({ email: `enrol.${kind}@example.com`, emailVerified: true, name: 'Enrol Test', passwordHash: null });
    });
    after(async () => {
      await tobira.close();
      await store.close();
    });
    afterEach(() => {
      offset = 0;
    });

    const softKey = (): SoftAuthenticator => new SoftAuthenticator({ alg: 'ES256', origin: tobira.issuer, rpId: 'localhost' });
    const newLink = (ttlSeconds = 900): Promise<IssuedEnrolment> => issuer.issue(account.id, 'phone_change', { ttlSeconds, sentTo: null });
    const pathOf = (link: string): string => new URL(link).pathname;

    async function open(browser: HttpBrowser, link: string): Promise<{ page: Page; csrf: string }> {
      const page = await browser.request(link);
      return { page, csrf: /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '' };
    }

    async function postJson(browser: HttpBrowser, path: string, body: unknown, csrf: string): Promise<Page> {
      return browser.request(`${tobira.issuer}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf } });
    }

    async function optionsFor(browser: HttpBrowser, link: string, csrf: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
      const page = await postJson(browser, `${pathOf(link)}/options`, {}, csrf);
      assert.equal(page.status, 200, page.body);
      return jsonOf(page).options as PublicKeyCredentialCreationOptionsJSON;
    }

    async function passkeyCount(): Promise<number> {
      return (await store.passkeys.listByAccount(account.id)).length;
    }

    async function refusedEverywhere(link: string): Promise<void> {
      const browser = new HttpBrowser();
      const { page, csrf } = await open(browser, link);
      assert.equal(page.status, 410);
      assert.equal(errorCodeOf(page), 'enrolment_link_invalid');
      assert.match(page.body, /This link cannot be used/);
      const options = await postJson(browser, `${pathOf(link)}/options`, {}, csrf || 'x');
      // Without a page there is no CSRF cookie: the form check refuses first.
      assert.ok([403, 410].includes(options.status), options.body);
    }

    it('opening the link shows the page and uses nothing up (mail scanners prefetch links)', async () => {
      const issued = await newLink();
      assert.match(issued.link, new RegExp(`^${tobira.issuer}/enrol/[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}$`));
      for (let i = 0; i < 3; i += 1) {
        const { page } = await open(new HttpBrowser(), issued.link);
        assert.equal(page.status, 200);
        assert.match(page.body, /Register a passkey on this phone/);
        assert.match(page.headers.get('cache-control') ?? '', /no-store/);
        assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
      }
      assert.ok(await store.enrolmentTickets.find(issued.ticket.id), 'the ticket is still live');
      assert.equal(await passkeyCount(), 0);
      // Only the secret's hash is stored.
      assert.ok(!JSON.stringify(await store.enrolmentTickets.find(issued.ticket.id)).includes(issued.link.split('.').at(-1)!));
    });

    it('after the link, the new passkey must sign in: a session another account left in this browser is not reused', async () => {
      const password = 'another correct horse battery staple';
      await store.accounts.create({ email: `other.${kind}@example.com`, emailVerified: true, name: 'Other', passwordHash: await hashPassword(password) });
      const browser = new HttpBrowser();
      const signIn = await browser.follow(`${tobira.issuer}/account/login`);
      const menu = await browser.submit(signIn, '/password', { email: `other.${kind}@example.com`, password });
      assert.match(menu.body, new RegExp(`other\\.${kind}@example\\.com`), 'the other account is signed in to the menu');

      const next = await browser.request(`${tobira.issuer}/account/login?with=new-passkey&next=/device`);
      assert.equal(next.status, 303);
      const authorization = new URL(next.headers.get('location') ?? '');
      assert.equal(authorization.searchParams.get('prompt'), 'login');
      assert.equal(authorization.searchParams.get('acr_values'), 'phr');
      const page = await browser.follow(authorization.href);
      assert.match(page.url, /\/interaction\//, 'a sign-in page, not the other account\'s session');
      assert.doesNotMatch(page.body, /name="password"/, 'passkeys only');
    });

    it('registers a platform passkey for the account, once; the replayed link adds nothing', async () => {
      const issued = await newLink();
      const browser = new HttpBrowser();
      const { csrf } = await open(browser, issued.link);
      const options = await optionsFor(browser, issued.link, csrf);
      assert.equal(options.authenticatorSelection?.authenticatorAttachment, 'platform');
      assert.equal(options.authenticatorSelection?.userVerification, 'required');
      assert.equal(options.user.id, account.webauthnUserId);
      const key = softKey();
      const response = key.register(options);
      const done = await postJson(browser, `${pathOf(issued.link)}/verify`, { response }, csrf);
      assert.equal(done.status, 200, done.body);
      assert.deepEqual(jsonOf(done), { credentialId: key.credentialId, next: '/account/login?with=new-passkey&next=/device' });
      const passkeys = await store.passkeys.listByAccount(account.id);
      assert.equal(passkeys.length, 1);
      assert.equal(passkeys[0]?.credentialId, key.credentialId);
      assert.equal(passkeys[0]?.userHandle, account.webauthnUserId);
      assert.equal(await store.enrolmentTickets.find(issued.ticket.id), undefined, 'used up');
      const events = await store.audit.listByAccount(account.id, 20, ['enrolment.completed']);
      assert.equal(events.length, 1);
      assert.equal(events[0]?.details.ticketId, issued.ticket.id);
      assert.equal(events[0]?.details.purpose, 'phone_change');

      // The same request again, and the page, the options and a new registration: all refused.
      const replay = await postJson(browser, `${pathOf(issued.link)}/verify`, { response }, csrf);
      assert.equal(replay.status, 410);
      assert.equal(jsonOf(replay).error, 'enrolment_link_invalid');
      const other = softKey();
      const otherResponse = other.register({ ...options, excludeCredentials: [] });
      const second = await postJson(browser, `${pathOf(issued.link)}/verify`, { response: otherResponse }, csrf);
      assert.equal(jsonOf(second).error, 'enrolment_link_invalid');
      await refusedEverywhere(issued.link);
      const afterOptions = await postJson(browser, `${pathOf(issued.link)}/options`, {}, csrf);
      assert.equal(jsonOf(afterOptions).error, 'enrolment_link_invalid');
      assert.equal(await passkeyCount(), 1, 'no second passkey');
      await store.passkeys.remove(account.id, key.credentialId);
    });

    it('one registration sent twice at once: exactly one passkey', async () => {
      const issued = await newLink();
      const browser = new HttpBrowser();
      const { csrf } = await open(browser, issued.link);
      const response = softKey().register(await optionsFor(browser, issued.link, csrf));
      const results = await Promise.all([1, 2].map(() => postJson(browser, `${pathOf(issued.link)}/verify`, { response }, csrf)));
      assert.equal(results.filter((r) => r.status === 200).length, 1, results.map((r) => r.body).join('\n'));
      const loser = results.find((r) => r.status !== 200)!;
      assert.ok(['challenge_expired', 'enrolment_link_invalid'].includes(String(jsonOf(loser).error)), loser.body);
      assert.equal(await passkeyCount(), 1);
      for (const p of await store.passkeys.listByAccount(account.id)) await store.passkeys.remove(account.id, p.credentialId);
    });

    it('a bad registration leaves the link usable', async () => {
      const issued = await newLink();
      const browser = new HttpBrowser();
      const { csrf } = await open(browser, issued.link);
      const key = softKey();
      const bad = key.register(await optionsFor(browser, issued.link, csrf), { origin: 'https://evil.example' });
      const refused = await postJson(browser, `${pathOf(issued.link)}/verify`, { response: bad }, csrf);
      assert.equal(refused.status, 400);
      assert.equal(jsonOf(refused).error, 'passkey_verification_failed');
      assert.equal(await passkeyCount(), 0);
      assert.ok(await store.enrolmentTickets.find(issued.ticket.id), 'still live');

      const noCsrf = await postJson(browser, `${pathOf(issued.link)}/verify`, { response: bad }, 'wrong');
      assert.equal(noCsrf.status, 403);
      assert.equal(jsonOf(noCsrf).error, 'csrf_failed');

      const good = softKey();
      const done = await postJson(browser, `${pathOf(issued.link)}/verify`, { response: good.register(await optionsFor(browser, issued.link, csrf)) }, csrf);
      assert.equal(done.status, 200, done.body);
      assert.equal(await passkeyCount(), 1);
      await store.passkeys.remove(account.id, good.credentialId);
    });

    it('an expired link is refused, also between options and registration, and adds nothing', async () => {
      const expired = await newLink(60);
      offset = 61_000;
      await refusedEverywhere(expired.link);
      offset = 0;

      const late = await newLink(60);
      const browser = new HttpBrowser();
      const { csrf } = await open(browser, late.link);
      const response = softKey().register(await optionsFor(browser, late.link, csrf));
      offset = 61_000;
      const refused = await postJson(browser, `${pathOf(late.link)}/verify`, { response }, csrf);
      assert.equal(refused.status, 410);
      assert.equal(jsonOf(refused).error, 'enrolment_link_invalid');
      assert.equal(await passkeyCount(), 0);
    });

    it('a wrong secret, an unknown ticket and a malformed link are refused alike, and the real link still works', async () => {
      const issued = await newLink();
      const [id, secret] = pathOf(issued.link).slice('/enrol/'.length).split('.') as [string, string];
      const flipped = (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1);
      const forged = [
        `${tobira.issuer}/enrol/${id}.${flipped}`,
        `${tobira.issuer}/enrol/${(id[0] === 'A' ? 'B' : 'A') + id.slice(1)}.${secret}`,
        `${tobira.issuer}/enrol/${id}`,
        `${tobira.issuer}/enrol/${id}.${secret}x`,
        `${tobira.issuer}/enrol/${id}.${secret.slice(0, -1)}`,
        `${tobira.issuer}/enrol/${id}.`,
        `${tobira.issuer}/enrol/${id}.${secret.replace(/^./, '%')}`,
      ];
      for (const link of forged) {
        const browser = new HttpBrowser();
        // The real page sets this browser's CSRF cookie, so the JSON steps get past the form check.
        const { csrf } = await open(browser, issued.link);
        const { page } = await open(browser, link);
        assert.equal(page.status, 410, link);
        assert.equal(errorCodeOf(page), 'enrolment_link_invalid', link);
        const options = await postJson(browser, `${pathOf(link)}/options`, {}, csrf);
        assert.equal(jsonOf(options).error, 'enrolment_link_invalid', link);
      }
      // With a challenge taken for the real link, the forged secret still cannot register.
      const browser = new HttpBrowser();
      const { csrf } = await open(browser, issued.link);
      const response = softKey().register(await optionsFor(browser, issued.link, csrf));
      const refused = await postJson(browser, `/enrol/${id}.${flipped}/verify`, { response }, csrf);
      assert.equal(jsonOf(refused).error, 'enrolment_link_invalid');
      assert.equal(await passkeyCount(), 0);
      assert.ok(await store.enrolmentTickets.find(issued.ticket.id), 'the real link is untouched');
      const done = await postJson(browser, `${pathOf(issued.link)}/verify`, { response }, csrf);
      assert.equal(done.status, 200, done.body);
      assert.equal(await passkeyCount(), 1);
    });
  });
}
