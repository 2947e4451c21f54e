// What a user reads when a biometric prompt does not end in a passkey: a sentence in the page's
// language saying what happened and what to do next, never the browser's own English text with its
// w3.org link. Real Chromium with the DevTools virtual authenticator.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { phoneStandIns } from '../support/browser-phone.ts';
import { passkeySignUpInBrowser } from '../support/browser-signup.ts';
import { launchChromium } from '../support/chromium.ts';
import { PageAssets } from '../../src/http/page-assets.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.ts';
import { pages as ja } from '../../src/i18n/ja/pages.ts';
import { pages as en } from '../../src/i18n/en/pages.ts';

const LANGS = [
  { lang: 'ja', locale: 'ja-JP', text: ja },
  { lang: 'en', locale: 'en-US', text: en },
] as const;

for (const kind of FEATURE_STORES) {
  describe(`passkey outcomes in words in real Chromium (${kind} store)`, function () {
    this.timeout(60_000);
    let tobira: RunningTobira;
    let sink: SmtpSink;
    let browser: Browser;

    before(async () => {
      sink = new SmtpSink();
      tobira = await startTobira({ store: kind, env: { SMTP_URL: await sink.start() } });
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await tobira?.close();
      await sink?.stop();
    });

    for (const { lang, locale, text } of LANGS) {
      it(`${lang}: a sign-in whose prompt finds no passkey (NotAllowedError) says so in ${lang}, with no browser text`, async () => {
        const context = await browser.newContext({ locale });
        await context.addInitScript(phoneStandIns, { subscription: null, noAutofill: true });
        const page = await context.newPage();
        await addVirtualAuthenticator(context, page);
        await page.goto(`${tobira.issuer}/account/login`);
        await page.locator('#passkey-button').click();
        const error = page.locator('#passkey-error');
        await error.filter({ hasText: text['webauthn.cancelled'] }).waitFor();
        assert.doesNotMatch(await error.innerText(), /w3\.org|operation|timed out or was not allowed/);
        await context.close();
      });

      it(`${lang}: adding a passkey on a device that already holds one (InvalidStateError) says what to do in ${lang}`, async () => {
        const context = await browser.newContext({ locale });
        await context.addInitScript(phoneStandIns, { subscription: null, noAutofill: true });
        const page = await context.newPage();
        await addVirtualAuthenticator(context, page);
        await passkeySignUpInBrowser(page, tobira.issuer, sink, `twice.${lang}.${kind}@example.com`, 'Twice');
        // Passkeys are added on the account menu's passkeys page.
        await page.goto(`${tobira.issuer}/account/passkeys`);
        await page.locator('#add-passkey').click();
        const error = page.locator('#passkey-error');
        await error.filter({ hasText: text['webauthn.already_registered'] }).waitFor();
        assert.doesNotMatch(await error.innerText(), /previously registered|w3\.org/);
        await context.close();
      });

      it(`${lang}: every other outcome of a ceremony has its own sentence in ${lang}; tobira's own refusals keep their text`, async () => {
        const context = await browser.newContext({ locale });
        const page = await context.newPage();
        await page.goto(`${tobira.issuer}/account/login`);
        // The pages' own module (as the server bundles it), given errors shaped as
        // @simplewebauthn/browser and fetch throw them.
        const webauthnModule = (await PageAssets.load(null)).scriptUrl('webauthn');
        const shown = await page.evaluate(async (moduleUrl) => {
          const { messageFor } = await import(moduleUrl) as { messageFor: (e: unknown) => string };
          const webauthnError = (name: string, message: string): Error => Object.assign(new Error(message), { name, code: 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY' });
          const tobiraError = Object.assign(new Error('tobira says'), { name: 'TobiraError', code: 'unknown_passkey' });
          return {
            notAllowed: messageFor(webauthnError('NotAllowedError', 'The operation either timed out or was not allowed. See: https://www.w3.org/TR/webauthn-2/#sctn-privacy-considerations-client.')),
            abort: messageFor(webauthnError('AbortError', 'Registration ceremony was sent an abort signal')),
            invalidState: messageFor(webauthnError('InvalidStateError', 'The authenticator was previously registered')),
            security: messageFor(webauthnError('SecurityError', 'The RP ID "x" is invalid for this domain')),
            notSupported: messageFor(webauthnError('NotSupportedError', 'No available authenticator supported any of the specified pubKeyCredParams algorithms')),
            constraint: messageFor(webauthnError('ConstraintError', 'User verification was required but no available authenticator supported it')),
            network: messageFor(new TypeError('Failed to fetch')),
            unknown: messageFor(webauthnError('UnknownError', 'something odd')),
            nothing: messageFor(undefined),
            serverWithoutText: messageFor(Object.assign(new Error(''), { name: 'TobiraError', code: undefined })),
            tobira: messageFor(tobiraError),
          };
        }, webauthnModule);
        assert.deepEqual(shown, {
          notAllowed: text['webauthn.cancelled'],
          abort: text['webauthn.cancelled'],
          invalidState: text['webauthn.already_registered'],
          security: text['webauthn.security'],
          notSupported: text['webauthn.unsupported'],
          constraint: text['webauthn.no_verification'],
          network: text['webauthn.network'],
          unknown: text['webauthn.unknown'],
          nothing: text['webauthn.unknown'],
          serverWithoutText: text['webauthn.unknown'],
          tobira: 'tobira says',
        });
        await context.close();
      });
    }
  });
}

describe('every page that runs a passkey ceremony carries the outcome sentences', () => {
  it('each view whose script imports webauthn.js includes partials/ceremony-error', () => {
    const ceremonyScripts = readdirSync('public/js').filter((f) => f !== 'webauthn.js' && readFileSync(`public/js/${f}`, 'utf8').includes("from './webauthn.js'"));
    assert.ok(ceremonyScripts.length >= 7, ceremonyScripts.join(', '));
    const views = readdirSync('views').filter((f) => f.endsWith('.ejs'));
    for (const script of ceremonyScripts) {
      const pages = views.filter((v) => readFileSync(`views/${v}`, 'utf8').includes(`/static/js/${script}`));
      assert.ok(pages.length > 0, `a page loads ${script}`);
      for (const page of pages) assert.ok(readFileSync(`views/${page}`, 'utf8').includes("include('partials/ceremony-error')"), `${page} (${script}) shows the outcome sentences`);
    }
  });
});
