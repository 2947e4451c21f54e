// Phone setup from a signed-in PC, over HTTP as the browsers drive it, with a software authenticator
// on the phone and a Web Push receiver on loopback: every bad input is refused with a clear error and
// loses nothing; one code, one phone (also when phones race for it).
import assert from 'node:assert/strict';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import type * as oidc from 'openid-client';
import { csrfOf, member, type Member } from '../support/account-menu.ts';
import { errorCodeOf, HttpBrowser, type Page } from '../support/http-browser.ts';
import { discover } from '../support/partner.ts';
import { jsonOf, startPushTobira } from '../support/push-harness.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { featureSuite, freshStore, race, STORE_KINDS } from '../support/stores.ts';
import type { RunningTobira } from '../support/tobira.ts';
import type { Store } from '../../src/store/types.ts';

for (const kind of STORE_KINDS) {
  featureSuite(kind, `phone setup from a PC refuses bad input (${kind} store)`, function () {
    this.timeout(60_000);
    let offset = 0;
    let store: Store;
    let tobira: RunningTobira;
    let receiver: PushReceiver;
    let config: oidc.Configuration;
    let n = 0;

    before(async () => {
      receiver = new PushReceiver();
      await receiver.start();
      store = await freshStore(kind, { now: () => Date.now() + offset });
      // TRUST_PROXY: the per-source limit tells requests apart by X-Forwarded-For.
      tobira = await startPushTobira(store, { TRUST_PROXY: 'true' }, { now: () => Date.now() + offset });
      config = await discover(tobira.issuer);
    });
    after(async () => {
      await tobira.close();
      await store.close();
      await receiver.stop();
    });
    afterEach(() => {
      offset = 0;
    });

    const json = { accept: 'application/json' };
    const postJson = (browser: HttpBrowser, path: string, body: unknown, csrf: string): Promise<Page> =>
      browser.request(`${tobira.issuer}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...json, 'x-csrf-token': csrf } });

    async function pc(): Promise<Member> {
      n += 1;
      return member(tobira.issuer, config, `pc${n}.${kind}@example.com`);
    }

    /** The PC shows a code: the code and the hand-off id, from the page. */
    async function showCode(owner: Member): Promise<{ code: string; id: string }> {
      const menu = await owner.browser.follow(`${tobira.issuer}/account`);
      const page = await owner.browser.submit(menu, '/account/phone-setup', {});
      assert.equal(page.status, 200, page.body.slice(0, 300));
      const code = /id="handoff-code">([^<]+)</.exec(page.body)?.[1] ?? '';
      const id = /data-id="([^"]+)"/.exec(page.body)?.[1] ?? '';
      assert.match(code, /^[A-Z]{4}-[A-Z]{4}$/);
      return { code, id };
    }

    /** A phone enters `code`: the page it ends on (303 to /p/setup when claimed). */
    async function enter(phone: HttpBrowser, code: string): Promise<Page> {
      const page = await phone.request(`${tobira.issuer}/p`);
      return phone.request(`${tobira.issuer}/p`, { form: { _csrf: csrfOf(page), code } });
    }

    async function setupCsrf(phone: HttpBrowser): Promise<string> {
      const page = await phone.request(`${tobira.issuer}/p/setup`);
      assert.equal(page.status, 200, page.body.slice(0, 300));
      return /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '';
    }

    async function status(owner: HttpBrowser, id: string): Promise<Page> {
      return owner.request(`${tobira.issuer}/account/phone-setup/${id}/status`, { headers: json });
    }

    it('showing a code needs a signed-in PC with a recent sign-in; nothing is made otherwise', async () => {
      const stranger = new HttpBrowser();
      const page = await stranger.request(`${tobira.issuer}/account/phone-setup`);
      assert.equal(page.status, 303, 'a stranger is sent to sign in');
      assert.equal(new URL(String(page.headers.get('location'))).pathname, '/auth');

      const owner = await pc();
      const csrf = csrfOf(await owner.browser.follow(`${tobira.issuer}/account`));
      offset = 301_000;
      const stale = await owner.browser.request(`${tobira.issuer}/account/phone-setup`, { method: 'POST', body: JSON.stringify({}), headers: { 'content-type': 'application/json', ...json, 'x-csrf-token': csrf } });
      assert.equal(stale.status, 403);
      assert.equal(jsonOf(stale).error, 'reauthentication_required');
      const staleForm = await owner.browser.request(`${tobira.issuer}/account/phone-setup`, { form: { _csrf: csrf } });
      assert.equal(staleForm.status, 303);
      const to = new URL(String(staleForm.headers.get('location')));
      assert.equal(to.searchParams.get('prompt'), 'login');
      assert.equal(to.searchParams.get('login_hint'), owner.email);
      offset = 0;
      const noCsrf = await owner.browser.request(`${tobira.issuer}/account/phone-setup`, { method: 'POST', form: {} });
      assert.equal(noCsrf.status, 403);
      assert.equal(errorCodeOf(noCsrf), 'csrf_failed');
      const events = await store.audit.listByAccount(owner.accountId, 50);
      assert.ok(!events.some((e) => e.type === 'phone_handoff.started'), 'no hand-off was made');
    });

    it('the status is the PC session\'s alone, never cached; malformed ids and other sessions read as expired', async () => {
      const owner = await pc();
      const { id } = await showCode(owner);
      const mine = await status(owner.browser, id);
      assert.equal(mine.headers.get('cache-control'), 'no-store');
      assert.deepEqual(jsonOf(mine), { state: 'waiting', deviceName: null });
      assert.equal((await status(new HttpBrowser(), id)).status, 401, 'signed out: not signed in');
      const sameAccountOtherBrowser = new HttpBrowser();
      await member(tobira.issuer, config, `other.${n}.${kind}@example.com`, sameAccountOtherBrowser);
      assert.deepEqual(jsonOf(await status(sameAccountOtherBrowser, id)), { state: 'expired', deviceName: null });
      assert.deepEqual(jsonOf(await status(owner.browser, 'not-an-id')), { state: 'expired', deviceName: null });
    });

    it('a phone\'s bad codes, missing key or CSRF are refused with one clear answer; a right code still works afterwards', async () => {
      const owner = await pc();
      const { code, id } = await showCode(owner);
      const phone = new HttpBrowser();
      for (const bad of ['', 'AAAA-AAAA', 'BCDF', 'x'.repeat(32), code.replace(/.$/, (c) => (c === 'B' ? 'C' : 'B'))]) {
        const page = await enter(phone, bad);
        assert.equal(page.status, 410, bad);
        assert.equal(errorCodeOf(page), 'phone_handoff_invalid', bad);
      }
      const tooLong = await phone.request(`${tobira.issuer}/p`, { form: { _csrf: csrfOf(await phone.request(`${tobira.issuer}/p`)), code: 'B'.repeat(33) } });
      assert.equal(errorCodeOf(tooLong), 'phone_handoff_invalid');
      const noCsrf = await phone.request(`${tobira.issuer}/p`, { form: { code } });
      assert.equal(errorCodeOf(noCsrf), 'csrf_failed');
      for (const path of ['/p/setup']) {
        const page = await new HttpBrowser().request(`${tobira.issuer}${path}`);
        assert.equal(page.status, 410);
        assert.equal(errorCodeOf(page), 'phone_handoff_invalid');
      }
      const stranger = new HttpBrowser();
      const csrf = csrfOf(await stranger.request(`${tobira.issuer}/p`));
      const options = await postJson(stranger, '/p/setup/options', {}, csrf);
      assert.equal(options.status, 410);
      assert.equal(jsonOf(options).error, 'phone_handoff_invalid');
      assert.deepEqual(jsonOf(await status(owner.browser, id)), { state: 'waiting', deviceName: null }, 'nothing was used up');

      const claimed = await enter(phone, code.toLowerCase().replace('-', ' '));
      assert.equal(claimed.status, 303);
      assert.equal(claimed.headers.get('location'), '/p/setup');
      assert.deepEqual(jsonOf(await status(owner.browser, id)), { state: 'claimed', deviceName: null });
    });

    it('the phone must bring notifications and a valid passkey; a refusal loses nothing and the phone can finish', async () => {
      const owner = await pc();
      const { code, id } = await showCode(owner);
      const phone = new HttpBrowser();
      assert.equal((await enter(phone, code)).status, 303);
      const csrf = await setupCsrf(phone);
      const newKey = (): SoftAuthenticator => new SoftAuthenticator({ alg: 'ES256', origin: tobira.issuer, rpId: 'localhost' });
      const { subscription } = receiver.createSubscription();

      const options = jsonOf(await postJson(phone, '/p/setup/options', {}, csrf)).options as PublicKeyCredentialCreationOptionsJSON;
      assert.equal(options.authenticatorSelection?.authenticatorAttachment, 'platform');
      for (const [input, error] of [
        [{ name: 'Pixel', response: newKey().register(options) }, 'notifications_required'],
        [{ name: 'Pixel', subscription: { endpoint: 'https://push.evil.example/x', keys: { p256dh: 'x', auth: 'y' } }, response: newKey().register(options) }, 'invalid_push_subscription'],
        [{ name: '', subscription, response: newKey().register(options) }, 'invalid_input'],
        [{ name: 'Pixel', subscription, response: { id: 'forged' } }, undefined],
      ] as const) {
        const refused = await postJson(phone, '/p/setup', input, csrf);
        assert.ok(refused.status >= 400 && refused.status < 500, `${refused.status} ${refused.body}`);
        if (error) assert.equal(jsonOf(refused).error, error, `${JSON.stringify(input).slice(0, 80)}: ${refused.body}`);
      }
      const account = await store.accounts.findByEmail(owner.email);
      assert.equal((await store.devices.listByAccount(account!.id)).length, 0);
      assert.equal((await store.passkeys.listByAccount(account!.id)).length, 0);
      assert.deepEqual(jsonOf(await status(owner.browser, id)), { state: 'claimed', deviceName: null }, 'still this phone\'s to finish');

      // Another browser with the same code: already used.
      assert.equal(errorCodeOf(await enter(new HttpBrowser(), code)), 'phone_handoff_invalid');

      const again = jsonOf(await postJson(phone, '/p/setup/options', {}, csrf)).options as PublicKeyCredentialCreationOptionsJSON;
      const done = await postJson(phone, '/p/setup', { name: 'Pixel', subscription, response: newKey().register(again) }, csrf);
      assert.equal(done.status, 200, done.body);
      assert.equal(jsonOf(done).next, '/account/login?with=new-passkey&next=/device');
      assert.deepEqual(jsonOf(await status(owner.browser, id)), { state: 'completed', deviceName: 'Pixel' });
      const [device] = await store.devices.listByAccount(account!.id);
      assert.equal(device?.name, 'Pixel');
      const ticket = (await store.audit.listByAccount(account!.id, 50)).find((e) => e.type === 'enrolment.completed');
      assert.equal((ticket?.details as { purpose?: string } | undefined)?.purpose, 'phone_setup');

      // Replays after completion: nothing more.
      assert.equal((await postJson(phone, '/p/setup', { name: 'Again', subscription, response: newKey().register(again) }, csrf)).status, 410);
      assert.equal(errorCodeOf(await enter(phone, code)), 'phone_handoff_invalid');
      assert.equal((await store.devices.listByAccount(account!.id)).length, 1);
    });

    it('an expired code, or one whose PC signed everything out, opens nothing', async () => {
      const owner = await pc();
      const late = await showCode(owner);
      offset = 301_000;
      assert.equal(errorCodeOf(await enter(new HttpBrowser(), late.code)), 'phone_handoff_invalid');
      assert.deepEqual(jsonOf(await status(owner.browser, late.id)).state, 'expired');
      offset = 0;

      const other = await pc();
      const { code } = await showCode(other);
      const phone = new HttpBrowser();
      assert.equal((await enter(phone, code)).status, 303);
      assert.equal((await phone.request(`${tobira.issuer}/p/setup`)).status, 200);
      // The PC signs out: the phone half-way through is stopped, and its code opens nothing more.
      const confirm = await other.browser.follow(`${tobira.issuer}/session/end`);
      const signedOut = await other.browser.submit(confirm, '/session/end/confirm', { logout: 'yes' });
      assert.ok(signedOut.status < 400, signedOut.body.slice(0, 300));
      const stopped = await phone.request(`${tobira.issuer}/p/setup`);
      assert.equal(stopped.status, 410);
      assert.equal(errorCodeOf(stopped), 'phone_handoff_invalid');
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await phone.request(`${tobira.issuer}/p`)).body)?.[1] ?? '';
      assert.equal(jsonOf(await postJson(phone, '/p/setup/options', {}, csrf)).error, 'phone_handoff_invalid');
    });

    race('of phones racing with one code, exactly one claims it', async () => {
      const owner = await pc();
      const { code, id } = await showCode(owner);
      const phones = Array.from({ length: 8 }, () => new HttpBrowser());
      const csrfs = await Promise.all(phones.map(async (p) => csrfOf(await p.request(`${tobira.issuer}/p`))));
      const answers = await Promise.all(phones.map((p, i) => p.request(`${tobira.issuer}/p`, { form: { _csrf: csrfs[i] ?? '', code } })));
      assert.equal(answers.filter((a) => a.status === 303).length, 1, answers.map((a) => a.status).join(','));
      assert.ok(answers.filter((a) => a.status !== 303).every((a) => errorCodeOf(a) === 'phone_handoff_invalid'));
      assert.equal(jsonOf(await status(owner.browser, id)).state, 'claimed');
    });

    it('counts codes shown per account and codes tried per address', async () => {
      const owner = await pc();
      for (let i = 0; i < 10; i += 1) await showCode(owner);
      const menu = await owner.browser.follow(`${tobira.issuer}/account`);
      const over = await owner.browser.submit(menu, '/account/phone-setup', {});
      assert.equal(over.status, 429);
      assert.equal(errorCodeOf(over), 'phone_handoff_starts_limited');

      const fresh = await pc();
      const { code, id } = await showCode(fresh);
      const guesser = new HttpBrowser();
      const from = { 'x-forwarded-for': `203.0.113.${kind === 'memory' ? 7 : 8}` };
      const page = await guesser.request(`${tobira.issuer}/p`, { headers: from });
      const csrf = csrfOf(page);
      for (let i = 0; i < 30; i += 1) {
        assert.equal(errorCodeOf(await guesser.request(`${tobira.issuer}/p`, { form: { _csrf: csrf, code: 'BBBB-BBBB' }, headers: from })), 'phone_handoff_invalid', `try ${i + 1} is only wrong`);
      }
      const right = await guesser.request(`${tobira.issuer}/p`, { form: { _csrf: csrf, code }, headers: from });
      assert.equal(errorCodeOf(right), 'phone_handoff_rate_limited', 'even the right code, once over the limit');
      assert.deepEqual(jsonOf(await status(fresh.browser, id)), { state: 'waiting', deviceName: null });
      // Another address, the owner's phone, is not held back by the stranger's tries.
      const phone = new HttpBrowser();
      const phonePage = await phone.request(`${tobira.issuer}/p`, { headers: { 'x-forwarded-for': '198.51.100.9' } });
      const claimed = await phone.request(`${tobira.issuer}/p`, { form: { _csrf: csrfOf(phonePage), code }, headers: { 'x-forwarded-for': '198.51.100.9' } });
      assert.notEqual(errorCodeOf(claimed), 'phone_handoff_rate_limited');
    });
  });
}
