// Push sign-in refuses every hostile or late input the phone issue names, over HTTP, with a
// software authenticator on the "phone" and a Web Push receiver on loopback. Each refusal has a
// clear code and leaves the approval and the store as they were.
import assert from 'node:assert/strict';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import * as oidc from 'openid-client';
import { HttpBrowser } from '../support/http-browser.ts';
import { discover, PARTNER_CALLBACK, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { harness, jsonOf, startPushTobira, type Phone } from '../support/push-harness.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import type { RunningTobira } from '../support/tobira.ts';
import type { Store } from '../../src/store/types.ts';
import { buildApp } from '../../src/app/app.ts';
import { loadSettings } from '../../src/config/settings.ts';
import { createLogger } from '../../src/log.ts';

for (const kind of FEATURE_STORES) {
  describe(`push sign-in refuses bad input (${kind} store)`, function () {
    this.timeout(30_000);
    let offset = 0;
    let store: Store;
    let tobira: RunningTobira;
    let receiver: PushReceiver;
    let config: oidc.Configuration;
    let alice: Phone;
    let bob: Phone;
    const h = harness(() => tobira.issuer, () => receiver);

    /** Waits for `count` pushes since `from` (they go out after the answer), then a moment for any extra one. */
    async function pushesArrived(from: number, count: number): Promise<void> {
      for (let waited = 0; receiver.messages.length - from < count && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    before(async () => {
      receiver = new PushReceiver();
      await receiver.start();
      store = await freshStore(kind, { now: () => Date.now() + offset });
      tobira = await startPushTobira(store, {}, { now: () => Date.now() + offset });
      config = await discover(tobira.issuer);
      alice = await h.phoneFor(config, `alice.${kind}@example.com`);
      bob = await h.phoneFor(config, `bob.${kind}@example.com`);
    });
    after(async () => {
      await tobira.close();
      await store.close();
      await receiver.stop();
    });
    afterEach(() => {
      offset = 0;
    });

    async function approvalOf(id: unknown) {
      return tobira.store.approvals.find(String(id));
    }

    it('a phone without notification permission cannot finish setup, and nothing is stored', async () => {
      const carol = new HttpBrowser();
      const pending = await startAuthorization(config);
      await redeem(config, pending, (await signUpAndConsent(carol, pending, `carol.${kind}@example.com`)).url);
      const page = await carol.follow(`${tobira.issuer}/device`);
      const csrf = /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const account = await tobira.store.accounts.findByEmail(`carol.${kind}@example.com`);
      for (const [subscription, code] of [
        [null, 'notifications_required'],
        [{ endpoint: 'https://evil.example/push/x', keys: receiver.createSubscription().subscription.keys }, 'push_endpoint_not_allowed'],
        [{ endpoint: 'https://127.0.0.1/push/x', keys: { p256dh: 'short', auth: 'short' } }, 'invalid_push_subscription'],
      ] as const) {
        const key = new SoftAuthenticator({ alg: 'ES256', origin: tobira.issuer, rpId: 'localhost' });
        const options = jsonOf(await h.postJson(carol, '/device/api/setup/options', {}, csrf)).options as PublicKeyCredentialCreationOptionsJSON;
        const res = await h.postJson(carol, '/device/api/setup', { name: 'no push', subscription, response: key.register(options) }, csrf);
        assert.equal(res.status, 400, res.body);
        assert.equal(jsonOf(res).error, code);
        assert.match(String(jsonOf(res).message), /notification|push|通知/i);
      }
      assert.deepEqual(await tobira.store.devices.listByAccount(account!.id), []);
      assert.deepEqual(await tobira.store.passkeys.listByAccount(account!.id), []);
      // An unknown account and an account without phones get the answer an account with a phone
      // gets (a request that nobody answers and that expires), so neither is told apart.
      for (const email of [`carol.${kind}@example.com`, `nobody.${kind}@example.com`]) {
        const pc = await h.pcRequests(config, email);
        assert.deepEqual(Object.keys(pc.started).sort(), ['approvalId', 'expiresAt', 'expiresInSeconds', 'kind', 'matching', 'number']);
        assert.equal(pc.started.kind, 'sent');
        assert.equal(await h.statusOn(pc, String(pc.started.approvalId)), 'pending');
      }
    });

    it('bob\'s phone cannot see, approve or deny alice\'s approval', async () => {
      const pc = await h.pcRequests(config, alice.email);
      const id = String(pc.started.approvalId);
      const listed = jsonOf(await bob.browser.request(`${tobira.issuer}/device/api/approvals`, { headers: { accept: 'application/json' } })).approvals as unknown[];
      assert.deepEqual(listed, []);
      for (const res of [
        await h.approveOn(bob, id, String(pc.started.number)),
        await h.postJson(bob.browser, `/device/api/approvals/${id}/deny`, { report: true }, bob.csrf),
        await bob.browser.request(`${tobira.issuer}/device/approve/${id}`),
      ]) {
        assert.equal(res.status, 404, res.body);
      }
      assert.equal((await approvalOf(id))?.status, 'pending');
      assert.equal(await h.statusOn(pc, id), 'pending');
      // The phone's view never carries the number itself.
      const aliceView = jsonOf(await alice.browser.request(`${tobira.issuer}/device/api/approvals`, { headers: { accept: 'application/json' } })).approvals as Array<Record<string, unknown>>;
      assert.equal(aliceView.length, 1);
      assert.equal(aliceView[0]?.number, undefined);
      assert.ok((aliceView[0]?.choices as string[]).includes(String(pc.started.number)));
      await h.postJson(alice.browser, `/device/api/approvals/${id}/deny`, { report: false }, alice.csrf);
    });

    it('refuses a replayed approval assertion, on the same request and on a new one', async () => {
      const pc = await h.pcRequests(config, alice.email);
      const id = String(pc.started.approvalId);
      const number = String(pc.started.number);
      const options = jsonOf(await h.postJson(alice.browser, `/device/api/approvals/${id}/options`, { number }, alice.csrf)).options as PublicKeyCredentialRequestOptionsJSON;
      const response = alice.key.authenticate(options);
      assert.equal((await h.postJson(alice.browser, `/device/api/approvals/${id}/approve`, { number, response }, alice.csrf)).status, 200);
      const events = await pc.browser.request(`${tobira.issuer}/interaction/${pc.uid}/push/${id}/events`, { headers: { accept: 'text/event-stream' } });
      assert.equal(events.headers.get('content-type'), 'text/event-stream');
      assert.equal(events.body, 'event: status\ndata: {"status":"approved"}\n\n', 'one event, then the stream ends');
      const again = await h.postJson(alice.browser, `/device/api/approvals/${id}/approve`, { number, response }, alice.csrf);
      assert.equal(again.status, 409);
      assert.equal(jsonOf(again).error, 'approval_decided');

      const next = await h.pcRequests(config, alice.email);
      const nextId = String(next.started.approvalId);
      const replay = await h.postJson(alice.browser, `/device/api/approvals/${nextId}/approve`, { number: String(next.started.number), response }, alice.csrf);
      assert.equal(replay.status, 400);
      assert.equal(jsonOf(replay).error, 'challenge_expired');
      assert.equal((await approvalOf(nextId))?.status, 'pending');
      // Complete the first one from its own browser; the second browser cannot finish it.
      const stranger = await h.postJson(next.browser, `/interaction/${next.uid}/push/${id}/complete`, {}, next.csrf);
      assert.equal(stranger.status, 404);
      const done = await h.postJson(pc.browser, `/interaction/${pc.uid}/push/${id}/complete`, {}, pc.csrf);
      assert.equal(done.status, 200, done.body);
      await h.postJson(alice.browser, `/device/api/approvals/${nextId}/deny`, { report: false }, alice.csrf);
    });

    it('refuses forged and guessed approval ids everywhere', async () => {
      const pc = await h.pcRequests(config, alice.email);
      const forged = 'A'.repeat(22);
      for (const id of [forged, 'not-an-id', `${String(pc.started.approvalId)}x`]) {
        assert.equal((await h.postJson(alice.browser, `/device/api/approvals/${id}/options`, { number: '12' }, alice.csrf)).status, 404);
        assert.equal((await h.postJson(alice.browser, `/device/api/approvals/${id}/deny`, { report: true }, alice.csrf)).status, 404);
        assert.equal((await alice.browser.request(`${tobira.issuer}/device/approve/${id}`)).status, 404);
        assert.equal((await h.postJson(pc.browser, `/interaction/${pc.uid}/push/${id}/complete`, {}, pc.csrf)).status, 404);
        assert.equal(await h.statusOn(pc, forged), 'expired');
      }
      assert.equal((await approvalOf(pc.started.approvalId))?.status, 'pending');
      // Completing before the phone approved is refused too.
      const early = await h.postJson(pc.browser, `/interaction/${pc.uid}/push/${String(pc.started.approvalId)}/complete`, {}, pc.csrf);
      assert.equal(jsonOf(early).error, 'approval_not_approved');
      await h.postJson(alice.browser, `/device/api/approvals/${String(pc.started.approvalId)}/deny`, { report: false }, alice.csrf);
    });

    it('refuses deciding after expiry', async () => {
      const pc = await h.pcRequests(config, bob.email);
      const id = String(pc.started.approvalId);
      offset = 121_000;
      const late = await h.approveOn(bob, id, String(pc.started.number));
      assert.equal(late.status, 404);
      assert.equal(jsonOf(late).error, 'approval_not_found');
      assert.equal(await h.statusOn(pc, id), 'expired');
      offset = 0;
      assert.equal((await approvalOf(id))?.status, 'pending', 'still undecided underneath');
    });

    it('an old trusted-browser cookie is worthless after revocation', async () => {
      const dave = await h.phoneFor(config, `dave.${kind}@example.com`);
      const pcBrowser = new HttpBrowser();
      const first = await h.pcRequests(config, dave.email, pcBrowser);
      assert.equal(first.started.matching, 'choose');
      assert.equal((await h.approveOn(dave, String(first.started.approvalId), String(first.started.number))).status, 200);
      assert.equal((await h.postJson(pcBrowser, `/interaction/${first.uid}/push/${String(first.started.approvalId)}/complete`, {}, first.csrf)).status, 200);
      const cookie = (await pcBrowser.jar.getCookies(tobira.issuer)).find((c) => c.key === 'tobira.tb');
      assert.ok(cookie);
      const trusted = await h.pcRequests(config, dave.email, pcBrowser);
      assert.equal(trusted.started.matching, 'none');
      await h.postJson(dave.browser, `/device/api/approvals/${String(trusted.started.approvalId)}/deny`, { report: false }, dave.csrf);

      const account = await tobira.store.accounts.findByEmail(dave.email);
      const [record] = await tobira.store.trustedBrowsers.listByAccount(account!.id);
      const menu = await dave.browser.follow(`${tobira.issuer}/account`);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(menu.body)?.[1] ?? '';
      await dave.browser.request(`${tobira.issuer}/account/browsers/revoke`, { form: { _csrf: csrf, id: record!.id } });
      assert.deepEqual(await tobira.store.trustedBrowsers.listByAccount(account!.id), []);
      const after = await h.pcRequests(config, dave.email, pcBrowser);
      assert.equal((await pcBrowser.jar.getCookies(tobira.issuer)).find((c) => c.key === 'tobira.tb')?.value, cookie.value, 'the browser still sends its old cookie');
      assert.equal(after.started.matching, 'choose', 'and must match a number again');
      await h.postJson(dave.browser, `/device/api/approvals/${String(after.started.approvalId)}/deny`, { report: false }, dave.csrf);
    });

    it('a partner that requires phr is never offered or given a phone approval', async () => {
      const browser = new HttpBrowser();
      const { uid, csrf, body } = await h.signInPage(config, browser, { acr_values: 'phr' });
      assert.doesNotMatch(body, /id="push-button"/);
      const refused = await h.postJson(browser, `/interaction/${uid}/push`, { email: alice.email }, csrf);
      assert.equal(refused.status, 403);
      assert.equal(jsonOf(refused).error, 'passkey_required');
      const account = await tobira.store.accounts.findByEmail(alice.email);
      assert.deepEqual(await tobira.store.approvals.listPending(account!.id), [], 'no approval created');
    });

    it('the account menu renames and removes phones and renames or revokes all trusted browsers', async () => {
      const gina = await h.phoneFor(config, `gina.${kind}@example.com`);
      const account = await tobira.store.accounts.findByEmail(gina.email);
      const menuCsrf = async (): Promise<string> => /name="_csrf" value="([^"]+)"/.exec((await gina.browser.follow(`${tobira.issuer}/account`)).body)?.[1] ?? '';
      const [device] = await tobira.store.devices.listByAccount(account!.id);
      await gina.browser.request(`${tobira.issuer}/account/phones/rename`, { form: { _csrf: await menuCsrf(), id: device!.id, name: 'Work phone' } });
      assert.equal((await tobira.store.devices.findById(device!.id))?.name, 'Work phone');
      const notMine = await gina.browser.request(`${tobira.issuer}/account/phones/rename`, { form: { _csrf: await menuCsrf(), id: 'A'.repeat(22), name: 'x' } });
      assert.equal(notMine.status, 404);

      // Two trusted browsers, renamed, then all revoked at once.
      for (let i = 0; i < 2; i += 1) {
        const pc = await h.pcRequests(config, gina.email);
        assert.equal((await h.approveOn(gina, String(pc.started.approvalId), String(pc.started.number))).status, 200);
        assert.equal((await h.postJson(pc.browser, `/interaction/${pc.uid}/push/${String(pc.started.approvalId)}/complete`, {}, pc.csrf)).status, 200);
      }
      const browsers = await tobira.store.trustedBrowsers.listByAccount(account!.id);
      assert.equal(browsers.length, 2);
      await gina.browser.request(`${tobira.issuer}/account/browsers/rename`, { form: { _csrf: await menuCsrf(), id: browsers[0]!.id, name: 'Office PC' } });
      assert.equal((await tobira.store.trustedBrowsers.listByAccount(account!.id))[0]?.name, 'Office PC');
      assert.match((await gina.browser.follow(`${tobira.issuer}/account/browsers`)).body, /Office PC/);
      await gina.browser.request(`${tobira.issuer}/account/browsers/revoke-all`, { form: { _csrf: await menuCsrf() } });
      assert.deepEqual(await tobira.store.trustedBrowsers.listByAccount(account!.id), []);

      // The phone's passkey is the account's only passkey, but the account has a password: removable,
      // after a fresh sign-in, and its passkey goes with it.
      offset = 301_000;
      const stale = await gina.browser.request(`${tobira.issuer}/account/phones/remove`, { form: { _csrf: await menuCsrf(), id: device!.id } });
      assert.equal(stale.status, 303);
      assert.match(stale.headers.get('location') ?? '', /prompt=login/);
      assert.ok(await tobira.store.devices.findById(device!.id), 'nothing removed without a fresh sign-in');
      offset = 0;
      const csrf = await menuCsrf();
      const removed = await gina.browser.request(`${tobira.issuer}/account/phones/remove`, { form: { _csrf: csrf, id: device!.id } });
      // Every session ends, this one too: the browser is sent to sign in again as the same account.
      assert.match(removed.headers.get('location') ?? '', /prompt=login&login_hint=gina/);
      assert.equal((await gina.browser.request(`${tobira.issuer}/account`)).status, 303, 'signed out of the account menu');
      assert.equal(await tobira.store.devices.findById(device!.id), undefined);
      assert.deepEqual(await tobira.store.passkeys.listByAccount(account!.id), [], 'the lost phone\'s passkey is gone too');
      const unanswered = await h.pcRequests(config, gina.email);
      assert.equal(unanswered.started.kind, 'sent', 'answered as for a phone, though none is asked');
      assert.deepEqual((await tobira.store.approvals.listPending(account!.id)).map((a) => a.id).filter((id) => id === unanswered.started.approvalId), [], 'no request of the account\'s own');
    });

    it('caps a flood of push requests: pending, per hour, and after repeated denials', async () => {
      const erin = await h.phoneFor(config, `erin.${kind}@example.com`);
      const account = await tobira.store.accounts.findByEmail(erin.email);
      const atStart = receiver.messages.length;
      for (let i = 0; i < 3; i += 1) assert.equal((await h.pcRequests(config, erin.email)).started.kind, 'sent');
      const fourth = await h.pcRequests(config, erin.email);
      assert.deepEqual(fourth.started, { error: 'too_many_pending', status: 429 });
      assert.equal((await tobira.store.approvals.listPending(account!.id)).length, 3, 'nothing created beyond the cap');
      // The pushes go out after the answers: count from when the first three have arrived.
      await pushesArrived(atStart, 3);
      const pushesToErin = atStart + 3;

      // Let them expire (still counted for the hour) and keep asking until the hourly cap.
      let made = 3;
      for (let round = 1; made < 10; round += 1) {
        offset = round * 121_000;
        for (let i = 0; i < 3 && made < 10; i += 1, made += 1) assert.equal((await h.pcRequests(config, erin.email)).started.kind, 'sent');
      }
      offset += 121_000;
      const eleventh = await h.pcRequests(config, erin.email);
      assert.deepEqual(eleventh.started, { error: 'push_rate_limited', status: 429 });
      assert.equal(await tobira.store.approvals.countCreatedSince(account!.id, new Date(Date.now() - 3600_000)), 10);
      await pushesArrived(pushesToErin, 7);
      assert.equal(receiver.messages.length - pushesToErin, 7, 'no push for refused requests');
      offset = 0;

      // Three denials pause push sign-in; a new request does not reset the count.
      const frank = await h.phoneFor(config, `frank.${kind}@example.com`);
      for (let i = 0; i < 3; i += 1) {
        const pc = await h.pcRequests(config, frank.email);
        assert.equal((await h.postJson(frank.browser, `/device/api/approvals/${String(pc.started.approvalId)}/deny`, { report: false }, frank.csrf)).status, 200);
      }
      assert.deepEqual((await h.pcRequests(config, frank.email)).started, { error: 'push_blocked', status: 429 });
    });
  });
}

describe('push sign-in in strict 6-digit mode', function () {
  this.timeout(30_000);
  let tobira: RunningTobira;
  let receiver: PushReceiver;
  const h = harness(() => tobira.issuer, () => receiver);

  before(async () => {
    receiver = new PushReceiver();
    await receiver.start();
    tobira = await startPushTobira('memory', { PUSH_MATCHING: 'type' });
  });
  after(async () => {
    await tobira.close();
    await receiver.stop();
  });

  it('shows six digits the user must type; the right one signs in, a wrong code denies and pauses', async () => {
    const config = await discover(tobira.issuer);
    const phone = await h.phoneFor(config, 'strict@example.com');
    const right = await h.pcRequests(config, phone.email);
    assert.equal(right.started.matching, 'type');
    assert.match(String(right.started.number), /^\d{6}$/);
    const view = (jsonOf(await phone.browser.request(`${tobira.issuer}/device/api/approvals`, { headers: { accept: 'application/json' } })).approvals as Array<Record<string, unknown>>)[0];
    assert.deepEqual(view?.choices, [], 'nothing to pick from: the user types what the screen shows');
    assert.equal((await h.approveOn(phone, String(right.started.approvalId), String(right.started.number))).status, 200);
    const done = await h.postJson(right.browser, `/interaction/${right.uid}/push/${String(right.started.approvalId)}/complete`, {}, right.csrf);
    const callback = await right.browser.follow(String(jsonOf(done).redirectTo), {}, PARTNER_CALLBACK);
    const page = callback.url.startsWith(PARTNER_CALLBACK) ? callback : await right.browser.submit(callback, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
    assert.ok(page.url.startsWith(PARTNER_CALLBACK));

    const wrong = await h.pcRequests(config, phone.email);
    assert.equal(wrong.started.matching, 'type');
    const typo = String((Number(wrong.started.number) + 1) % 1_000_000).padStart(6, '0');
    const refused = await h.approveOn(phone, String(wrong.started.approvalId), typo);
    assert.equal(jsonOf(refused).error, 'wrong_number');
    assert.equal(await h.statusOn(wrong, String(wrong.started.approvalId)), 'denied');
    // After a wrong number, browsers that must show one are paused (push-matching.test.ts has the rest).
    assert.deepEqual((await h.pcRequests(config, phone.email)).started, { error: 'push_paused', status: 429 });
  });
});

describe('approximate place from a GeoIP database', function () {
  this.timeout(30_000);
  let tobira: RunningTobira;
  let receiver: PushReceiver;
  const h = harness(() => tobira.issuer, () => receiver);

  before(async () => {
    receiver = new PushReceiver();
    await receiver.start();
    // A real GeoLite2-derived country database from the npm registry; behind a proxy, the client
    // address comes from X-Forwarded-For (a header only: no traffic goes anywhere).
    tobira = await startPushTobira('memory', { TRUST_PROXY: 'true', GEOIP_DB_FILE: 'node_modules/@ip-location-db/geolite2-country-mmdb/geolite2-country.mmdb' });
  });
  after(async () => {
    await tobira.close();
    await receiver.stop();
  });

  it('shows the phone where the request came from, in the phone page\'s language', async () => {
    const config = await discover(tobira.issuer);
    const phone = await h.phoneFor(config, 'place@example.com');
    for (const [lang, forwarded, place] of [['en', '8.8.8.8', 'United States'], ['ja', '133.242.0.1', '日本']] as const) {
      const browser = new HttpBrowser();
      const { uid, csrf } = await h.signInPage(config, browser, {}, { 'accept-language': lang });
      const started = jsonOf(await browser.request(`${tobira.issuer}/interaction/${uid}/push`, {
        method: 'POST', body: JSON.stringify({ email: phone.email }),
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf, 'x-forwarded-for': forwarded, 'accept-language': lang },
      }));
      const approval = await tobira.store.approvals.find(String(started.approvalId));
      assert.equal(approval?.context.ip, forwarded);
      assert.equal(approval?.context.place, place);
      // The phone's page in the same language (the place is named in the phone's language).
      const page = await phone.browser.request(`${tobira.issuer}/device/approve/${String(started.approvalId)}?lang=${lang}`);
      assert.match(page.body, new RegExp(`id="ctx-place">${place}<`));
      await h.postJson(phone.browser, `/device/api/approvals/${String(started.approvalId)}/deny`, { report: false }, phone.csrf);
    }
  });

  it('refuses to start with a file that is not a GeoIP database', async () => {
    const settings = loadSettings({ NODE_ENV: 'test', DEMO: 'false', GEOIP_DB_FILE: 'package.json' });
    await assert.rejects(buildApp(settings, await freshStore('memory'), createLogger('silent')), (err: Error & { setting?: string }) => err.setting === 'GEOIP_DB_FILE');
  });
});
