// Enrolment links over HTTP with a software authenticator: the page never uses a link up, a
// registration does, once; a replayed, expired, forged or malformed link is refused with
// `enrolment_link_invalid` and adds nothing. The secret is in the link's fragment: the page is
// fetched without it (as a browser does) and the JSON steps carry it in their bodies.
import { EventBus } from '../../src/events/event-bus.ts';
import assert from 'node:assert/strict';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { hashPassword } from '../../src/accounts/password-hasher.ts';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { loadSettings } from '../../src/config/settings.ts';
import { EnrolmentService, type IssuedEnrolment } from '../../src/flows/enrolment/service.ts';
import { createLogger } from '../../src/log.ts';
import { PasskeyService } from '../../src/passkeys/passkey-service.ts';
import type { Account, Store } from '../../src/store/types.ts';
import { errorCodeOf, HttpBrowser, type Page } from '../support/http-browser.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { featureSuite, freshStore, race, STORE_KINDS } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

function jsonOf(page: Page): Record<string, unknown> {
  return JSON.parse(page.body) as Record<string, unknown>;
}

for (const kind of STORE_KINDS) {
  featureSuite(kind, `enrolment links (${kind} store)`, function () {
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
        events: new EventBus(),
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
    /** The fragment: what the page's script posts. */
    const secretOf = (link: string): string => new URL(link).hash.slice(1);

    /** The page as a browser fetches it: never with the fragment. */
    async function open(browser: HttpBrowser, link: string): Promise<{ page: Page; csrf: string }> {
      const page = await browser.request(`${tobira.issuer}${pathOf(link)}`);
      return { page, csrf: /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '' };
    }

    async function postJson(browser: HttpBrowser, path: string, body: unknown, csrf: string): Promise<Page> {
      return browser.request(`${tobira.issuer}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf } });
    }

    /** One of the link's JSON steps, as enrol.js sends it: the secret in the body. */
    async function step(browser: HttpBrowser, link: string, name: 'options' | 'verify', csrf: string, body: Record<string, unknown> = {}): Promise<Page> {
      return postJson(browser, `${pathOf(link)}/${name}`, { secret: secretOf(link), ...body }, csrf);
    }

    async function optionsFor(browser: HttpBrowser, link: string, csrf: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
      const page = await step(browser, link, 'options', csrf);
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
      const options = await step(browser, link, 'options', csrf || 'x');
      // Without a page there is no CSRF cookie: the form check refuses first.
      assert.ok([403, 410].includes(options.status), options.body);
    }

    it('opening the link shows the page and uses nothing up (mail scanners prefetch links)', async () => {
      const issued = await newLink();
      assert.match(issued.link, new RegExp(`^${tobira.issuer}/enrol/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$`));
      assert.equal(pathOf(issued.link), `/enrol/${issued.ticket.id}`, 'the path holds only the ticket id');
      const secret = secretOf(issued.link);
      for (let i = 0; i < 3; i += 1) {
        const { page } = await open(new HttpBrowser(), issued.link);
        assert.equal(page.status, 200);
        assert.match(page.body, /Register a passkey on this phone/);
        assert.match(page.body, new RegExp(`data-ticket="${issued.ticket.id}"`));
        assert.ok(!page.body.includes(secret), 'the page never knows the secret');
        assert.match(page.headers.get('cache-control') ?? '', /no-store/);
        assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
      }
      assert.ok(await store.enrolmentTickets.find(issued.ticket.id), 'the ticket is still live');
      assert.equal(await passkeyCount(), 0);
      // Only the secret's hash is stored.
      assert.ok(!JSON.stringify(await store.enrolmentTickets.find(issued.ticket.id)).includes(secret));
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
      const done = await step(browser, issued.link, 'verify', csrf, { response });
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
      const replay = await step(browser, issued.link, 'verify', csrf, { response });
      assert.equal(replay.status, 410);
      assert.equal(jsonOf(replay).error, 'enrolment_link_invalid');
      const other = softKey();
      const otherResponse = other.register({ ...options, excludeCredentials: [] });
      const second = await step(browser, issued.link, 'verify', csrf, { response: otherResponse });
      assert.equal(jsonOf(second).error, 'enrolment_link_invalid');
      await refusedEverywhere(issued.link);
      const afterOptions = await step(browser, issued.link, 'options', csrf);
      assert.equal(jsonOf(afterOptions).error, 'enrolment_link_invalid');
      assert.equal(await passkeyCount(), 1, 'no second passkey');
      await store.passkeys.remove(account.id, key.credentialId);
    });

    race('one registration sent twice at once: exactly one passkey', async () => {
      const issued = await newLink();
      const browser = new HttpBrowser();
      const { csrf } = await open(browser, issued.link);
      const response = softKey().register(await optionsFor(browser, issued.link, csrf));
      const results = await Promise.all([1, 2].map(() => step(browser, issued.link, 'verify', csrf, { response })));
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
      const refused = await step(browser, issued.link, 'verify', csrf, { response: bad });
      assert.equal(refused.status, 400);
      assert.equal(jsonOf(refused).error, 'passkey_verification_failed');
      assert.equal(await passkeyCount(), 0);
      assert.ok(await store.enrolmentTickets.find(issued.ticket.id), 'still live');

      const noCsrf = await step(browser, issued.link, 'verify', 'wrong', { response: bad });
      assert.equal(noCsrf.status, 403);
      assert.equal(jsonOf(noCsrf).error, 'csrf_failed');

      const good = softKey();
      const done = await step(browser, issued.link, 'verify', csrf, { response: good.register(await optionsFor(browser, issued.link, csrf)) });
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
      const refused = await step(browser, late.link, 'verify', csrf, { response });
      assert.equal(refused.status, 410);
      assert.equal(jsonOf(refused).error, 'enrolment_link_invalid');
      assert.equal(await passkeyCount(), 0);
    });

    it('a wrong, missing or malformed secret and an unknown ticket are refused alike, use nothing up, and the real link still works', async () => {
      const issued = await newLink();
      const other = await newLink();
      const id = issued.ticket.id;
      const secret = secretOf(issued.link);
      const flipped = (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1);
      const unknownId = (id[0] === 'A' ? 'B' : 'A') + id.slice(1);
      const browser = new HttpBrowser();
      // The real page sets this browser's CSRF cookie, so the JSON steps get past the form check.
      const { csrf } = await open(browser, issued.link);
      const completedBefore = (await store.audit.listByAccount(account.id, 50, ['enrolment.completed'])).length;

      // The page: an unknown ticket, and the old link shape (`<id>.<secret>`, which put the secret in
      // request logs), cannot be used; the page of a live ticket does not judge the secret.
      for (const path of [`/enrol/${unknownId}`, `/enrol/${id}.${secret}`, `/enrol/${id}x`, `/enrol/${id.slice(1)}`]) {
        const { page } = await open(new HttpBrowser(), `${tobira.issuer}${path}`);
        assert.equal(page.status, 410, path);
        assert.equal(errorCodeOf(page), 'enrolment_link_invalid', path);
      }

      const wrongSecrets: unknown[] = [flipped, secretOf(other.link), `${secret}x`, secret.slice(0, -1), '', `%${secret.slice(1)}`, secret.toUpperCase() === secret ? secret.toLowerCase() : secret.toUpperCase(), 42, null, [secret], { secret }];
      for (const wrong of wrongSecrets) {
        const options = await postJson(browser, `/enrol/${id}/options`, { secret: wrong }, csrf);
        assert.equal(options.status, 410, `${JSON.stringify(wrong)}: ${options.body}`);
        assert.equal(jsonOf(options).error, 'enrolment_link_invalid', JSON.stringify(wrong));
        assert.match(String(jsonOf(options).message), /This link cannot be used/);
      }
      const noSecret = await postJson(browser, `/enrol/${id}/options`, {}, csrf);
      assert.equal(jsonOf(noSecret).error, 'enrolment_link_invalid', 'no secret at all');
      for (const path of [`/enrol/${unknownId}/options`, `/enrol/${id}.${secret}/options`]) {
        const options = await postJson(browser, path, { secret }, csrf);
        assert.equal(jsonOf(options).error, 'enrolment_link_invalid', path);
      }
      assert.equal(await store.challenges.take(`reg:enrol:${id}`), undefined, 'no wrong secret got registration options');

      // With a challenge taken for the real link, a wrong secret still cannot register, nor use the link up.
      const response = softKey().register(await optionsFor(browser, issued.link, csrf));
      for (const wrong of [flipped, secretOf(other.link), undefined]) {
        const refused = await postJson(browser, `/enrol/${id}/verify`, { secret: wrong, response }, csrf);
        assert.equal(refused.status, 410, refused.body);
        assert.equal(jsonOf(refused).error, 'enrolment_link_invalid');
      }
      const elsewhere = await postJson(browser, `/enrol/${other.ticket.id}/verify`, { secret, response }, csrf);
      assert.equal(jsonOf(elsewhere).error, 'enrolment_link_invalid', 'the secret opens only its own ticket');
      assert.equal(await passkeyCount(), 0);
      assert.ok(await store.enrolmentTickets.find(id), 'the real link is untouched');
      assert.ok(await store.enrolmentTickets.find(other.ticket.id), 'so is the other');
      assert.equal((await store.audit.listByAccount(account.id, 50, ['enrolment.completed'])).length, completedBefore);
      const done = await step(browser, issued.link, 'verify', csrf, { response });
      assert.equal(done.status, 200, done.body);
      assert.equal(await passkeyCount(), 1);
    });
  });
}
