// Fewer biometric prompts in a phone change (issue 11 item 7): the phone that registered its passkey
// with an enrolment link and signed in with it sets itself up without a third ceremony — the
// registration made on this browser is the proof. Only that browser, only for that account, only
// once, only with a fresh passkey sign-in; every other use is refused with
// `enrolled_passkey_unusable` and adds no phone.
import assert from 'node:assert/strict';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { EventBus } from '../../src/events/event-bus.ts';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { loadSettings } from '../../src/config/settings.ts';
import { EnrolmentService } from '../../src/flows/enrolment/service.ts';
import { createLogger } from '../../src/log.ts';
import { PasskeyService } from '../../src/passkeys/passkey-service.ts';
import type { Account, Store } from '../../src/store/types.ts';
import { errorCodeOf, HttpBrowser, type Page } from '../support/http-browser.ts';
import { jsonOf, startPushTobira } from '../support/push-harness.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { freshStore } from '../support/stores.ts';
import type { RunningTobira } from '../support/tobira.ts';

describe('phone setup after an enrolment link, without a third prompt (memory store)', function () {
  this.timeout(30_000);
  let offset = 0;
  const now = (): number => Date.now() + offset;
  let store: Store;
  let tobira: RunningTobira;
  let receiver: PushReceiver;
  let issuer: EnrolmentService;
  let account: Account;

  before(async () => {
    receiver = new PushReceiver();
    await receiver.start();
    store = await freshStore('memory', { now });
    tobira = await startPushTobira(store, {}, { now });
    const settings = loadSettings({ NODE_ENV: 'test', PORT: String(tobira.port) });
    const audit = new AuditLog(store.audit, createLogger('silent'));
    issuer = new EnrolmentService({
      issuer: tobira.issuer,
      tickets: store.enrolmentTickets,
      accounts: store.accounts,
      passkeys: new PasskeyService({ passkeys: store.passkeys, challenges: store.challenges, accounts: store.accounts, audit, settings: settings.webauthn, now }),
      audit,
      now,
      events: new EventBus(),
    });
    account = await store.accounts.create({ email: 'changer@example.com', emailVerified: true, name: 'Changer', passwordHash: null });
  });
  after(async () => {
    await tobira.close();
    await store.close();
    await receiver.stop();
  });
  afterEach(() => { offset = 0; });

  function postJson(browser: HttpBrowser, path: string, body: unknown, csrf: string): Promise<Page> {
    return browser.request(`${tobira.issuer}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf } });
  }

  /** Registers a passkey with a fresh enrolment link in `browser`, as enrol.js does. */
  async function enrol(browser: HttpBrowser, key: SoftAuthenticator): Promise<void> {
    const issued = await issuer.issue(account.id, 'phone_change', { ttlSeconds: 900, sentTo: null });
    const link = new URL(issued.link);
    const page = await browser.request(`${tobira.issuer}${link.pathname}`);
    const csrf = /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const secret = link.hash.slice(1);
    const options = jsonOf(await postJson(browser, `${link.pathname}/options`, { secret }, csrf)).options as PublicKeyCredentialCreationOptionsJSON;
    const done = await postJson(browser, `${link.pathname}/verify`, { secret, response: key.register(options) }, csrf);
    assert.equal(done.status, 200, done.body);
  }

  /** The sign-in with the new passkey the enrolment page leads to; returns the /device page. */
  async function signInWith(browser: HttpBrowser, key: SoftAuthenticator): Promise<{ page: Page; csrf: string }> {
    const login = await browser.follow(`${tobira.issuer}/account/login?with=new-passkey&next=/device`);
    const uid = /data-uid="([^"]+)"/.exec(login.body)?.[1] ?? '';
    const csrf = /data-csrf="([^"]+)"/.exec(login.body)?.[1] ?? '';
    const options = jsonOf(await postJson(browser, `/interaction/${uid}/passkey/options`, {}, csrf)).options as PublicKeyCredentialRequestOptionsJSON;
    const done = await postJson(browser, `/interaction/${uid}/passkey/verify`, { response: key.authenticate(options) }, csrf);
    assert.equal(done.status, 200, done.body);
    const page = await browser.follow(String(jsonOf(done).redirectTo));
    assert.match(page.url, /\/device$/, page.url);
    return { page, csrf: /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '' };
  }

  const setUp = (browser: HttpBrowser, csrf: string): Promise<Page> =>
    postJson(browser, '/device/api/setup', { name: 'New phone', subscription: receiver.createSubscription().subscription, enrolled: true }, csrf);

  it('the enrolling browser sets its phone up with the enrolled passkey and no ceremony; once', async () => {
    const phone = new HttpBrowser();
    const key = new SoftAuthenticator({ alg: 'ES256', origin: tobira.issuer, rpId: 'localhost' });
    await enrol(phone, key);
    const { page, csrf } = await signInWith(phone, key);
    assert.match(page.body, /data-enrolled="true"/, 'the page offers the setup without a ceremony');
    const done = await setUp(phone, csrf);
    assert.equal(done.status, 200, done.body);
    const passkeys = await store.passkeys.listByAccount(account.id);
    const devices = await store.devices.listByAccount(account.id);
    assert.equal(devices.length, 1);
    assert.equal(devices[0]?.credentialId, passkeys.at(-1)?.credentialId, 'the phone approves with the enrolled passkey');
    const again = await setUp(phone, csrf);
    assert.equal(again.status, 409);
    assert.equal(errorCodeOf(again) ?? String(jsonOf(again).error), 'enrolled_passkey_unusable');
    assert.equal((await store.devices.listByAccount(account.id)).length, 1, 'no second phone');
  });

  it('another browser, an old sign-in or no enrolment: refused, nothing added', async () => {
    const phone = new HttpBrowser();
    const key = new SoftAuthenticator({ alg: 'ES256', origin: tobira.issuer, rpId: 'localhost' });
    await enrol(phone, key);
    const before = (await store.devices.listByAccount(account.id)).length;

    // A second browser signed in with the same passkey, without the enrolment cookie.
    const other = new HttpBrowser();
    const { page: otherPage, csrf: otherCsrf } = await signInWith(other, key);
    assert.match(otherPage.body, /data-enrolled="false"/);
    const refused = await setUp(other, otherCsrf);
    assert.equal(refused.status, 409, refused.body);

    // The enrolling browser, once the sign-in is older than the 5-minute window.
    const { csrf } = await signInWith(phone, key);
    offset = 6 * 60_000;
    const stale = await setUp(phone, csrf);
    assert.equal(stale.status, 409, stale.body);
    assert.equal((await store.devices.listByAccount(account.id)).length, before, 'nothing was added');
  });
});
