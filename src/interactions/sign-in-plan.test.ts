// The one rule of what the sign-in page offers after the e-mail (sign-in-plan.ts).
import assert from 'node:assert/strict';
import { generalPlan, linkedPlan, signInPlan, type BrowserSignals, type LinkedAccount, type Requirement } from './sign-in-plan.ts';

const PC: BrowserSignals = { webauthn: true, platformAuthenticator: false, mobile: false };
const PC_WITH_HELLO: BrowserSignals = { webauthn: true, platformAuthenticator: true, mobile: false };
const PHONE: BrowserSignals = { webauthn: true, platformAuthenticator: true, mobile: true };
const OLD_BROWSER: BrowserSignals = { webauthn: false, platformAuthenticator: false, mobile: false };
const ANY: Requirement = { phr: false, typedPush: false };
const PHR: Requirement = { phr: true, typedPush: false };
const TYPED: Requirement = { phr: false, typedPush: true };

const account = (over: Partial<LinkedAccount>): LinkedAccount => ({ passkeys: 0, phones: 0, password: false, alwaysPasskey: false, thisBrowserIsItsPhone: false, ...over });
const BEN = account({ password: true });
const AKI = account({ phones: 1, alwaysPasskey: true });
const AKI_WITH_PASSWORD = account({ phones: 1, password: true });
const CHRIS = account({ passkeys: 1 });

describe('sign-in plan (unit)', () => {
  describe('without a link to the typed account: from the browser alone', () => {
    it('is the same whatever was typed: the rule takes no account at all', () => {
      for (const signals of [PC, PC_WITH_HELLO, PHONE, OLD_BROWSER]) {
        for (const requirement of [ANY, PHR, TYPED]) assert.deepEqual(signInPlan(signals, requirement, undefined), generalPlan(signals, requirement));
      }
    });

    it('puts the password first on a PC, the phone and a passkey one fold away, and starts nothing', () => {
      assert.deepEqual(generalPlan(PC, ANY), { primary: 'password', others: ['push', 'passkey'], startAtOnce: false });
      assert.deepEqual(generalPlan(PC_WITH_HELLO, ANY), { primary: 'password', others: ['push', 'passkey'], startAtOnce: false });
    });

    it('puts the passkey first on a phone with a screen lock', () => {
      assert.deepEqual(generalPlan(PHONE, ANY), { primary: 'passkey', others: ['password', 'push'], startAtOnce: false });
      assert.deepEqual(generalPlan({ ...PHONE, platformAuthenticator: false }, ANY).primary, 'password');
    });

    it('leaves out a passkey where the browser has no WebAuthn', () => {
      assert.deepEqual(generalPlan(OLD_BROWSER, ANY), { primary: 'password', others: ['push'], startAtOnce: false });
    });

    it('offers only what the partner accepts: a passkey for phr; the phone or a passkey for typed push', () => {
      assert.deepEqual(generalPlan(PC, PHR), { primary: 'passkey', others: [], startAtOnce: false });
      assert.deepEqual(generalPlan(PC, TYPED), { primary: 'push', others: ['passkey'], startAtOnce: false });
      assert.deepEqual(generalPlan(PHONE, TYPED), { primary: 'passkey', others: ['push'], startAtOnce: false });
    });
  });

  describe('for the account this browser is linked to: only what it can do', () => {
    it('a password-only account (Ben) gets its password and nothing else', () => {
      assert.deepEqual(linkedPlan(PC, ANY, BEN), { primary: 'password', others: [], startAtOnce: false });
      assert.deepEqual(linkedPlan(PHONE, ANY, BEN), { primary: 'password', others: [], startAtOnce: false });
    });

    it('on a PC with a phone set up, notifying the phone leads; sent at once for an always-passkey account (Aki)', () => {
      assert.deepEqual(linkedPlan(PC, ANY, AKI), { primary: 'push', others: [], startAtOnce: true });
      assert.deepEqual(linkedPlan(PC, ANY, AKI_WITH_PASSWORD), { primary: 'push', others: ['password'], startAtOnce: false });
      assert.deepEqual(linkedPlan(PC_WITH_HELLO, ANY, account({ phones: 1, passkeys: 1, password: true })), { primary: 'push', others: ['passkey', 'password'], startAtOnce: false });
    });

    it('on the account\'s own phone, its passkey, started at once; another phone is one fold away', () => {
      assert.deepEqual(linkedPlan(PHONE, ANY, account({ phones: 1, thisBrowserIsItsPhone: true, alwaysPasskey: true })), { primary: 'passkey', others: [], startAtOnce: true });
      assert.deepEqual(linkedPlan(PHONE, ANY, account({ phones: 2, thisBrowserIsItsPhone: true, password: true })), { primary: 'passkey', others: ['push', 'password'], startAtOnce: true });
    });

    it('a PC passkey account without a phone (Chris) gets its passkey, started at once', () => {
      assert.deepEqual(linkedPlan(PC_WITH_HELLO, ANY, CHRIS), { primary: 'passkey', others: [], startAtOnce: true });
      assert.deepEqual(linkedPlan(PC_WITH_HELLO, ANY, { ...CHRIS, password: true }), { primary: 'passkey', others: ['password'], startAtOnce: true });
    });

    it('never offers the password of an always-passkey account, nor a phone it does not have', () => {
      for (const signals of [PC, PHONE]) {
        const plan = linkedPlan(signals, ANY, account({ passkeys: 1, password: true, alwaysPasskey: true }));
        assert.deepEqual([plan.primary, ...plan.others], ['passkey']);
      }
    });

    it('keeps to what the partner accepts', () => {
      assert.deepEqual(linkedPlan(PC, PHR, AKI_WITH_PASSWORD), generalPlan(PC, PHR), 'no passkey to offer but the general one');
      assert.deepEqual(linkedPlan(PC, PHR, CHRIS), { primary: 'passkey', others: [], startAtOnce: true });
      assert.deepEqual(linkedPlan(PC, TYPED, AKI_WITH_PASSWORD), { primary: 'push', others: [], startAtOnce: false });
      assert.deepEqual(linkedPlan(PC, TYPED, BEN), generalPlan(PC, TYPED), 'nothing the account has is accepted: the page explains as for anyone');
    });

    it('falls back to the general plan for an account with no way in that this browser can use', () => {
      assert.deepEqual(linkedPlan(OLD_BROWSER, ANY, CHRIS), generalPlan(OLD_BROWSER, ANY));
      assert.deepEqual(linkedPlan(PC, ANY, account({})), generalPlan(PC, ANY));
    });
  });
});
