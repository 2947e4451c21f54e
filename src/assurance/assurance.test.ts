// What partner services are told about how the user signed in (acr, amr), and when a partner
// accepts nothing below phishing-resistant.
import assert from 'node:assert/strict';
import { ACR, assuranceOf, meetsTypedPush, provesPossession, requiresPhishingResistant, requiresTypedPush, SUPPORTED_ACR_VALUES } from './assurance.ts';

describe('assurance', () => {
  describe('acr and amr of each sign-in method', () => {
    it('a password: the password level, pwd only', () => {
      assert.deepEqual(assuranceOf({ kind: 'password' }), { acr: 'urn:tobira:acr:password', amr: ['pwd'] });
    });

    it('a push approval: never phishing-resistant; mfa only with user verification on the phone', () => {
      assert.deepEqual(assuranceOf({ kind: 'push', userVerified: true, matching: 'choose' }), { acr: 'urn:tobira:acr:push', amr: ['mca', 'user', 'mfa'] });
      assert.deepEqual(assuranceOf({ kind: 'push', userVerified: false, matching: 'choose' }), { acr: 'urn:tobira:acr:push', amr: ['mca', 'user'] });
    });

    it('a push approval says which matching was used: typed six digits, or a pick among three / no number', () => {
      assert.deepEqual(assuranceOf({ kind: 'push', userVerified: true, matching: 'type' }), { acr: 'urn:tobira:acr:push:typed', amr: ['mca', 'user', 'mfa'] });
      assert.equal(assuranceOf({ kind: 'push', userVerified: true, matching: 'choose' }).acr, 'urn:tobira:acr:push');
      assert.equal(assuranceOf({ kind: 'push', userVerified: true, matching: 'none' }).acr, 'urn:tobira:acr:push');
    });

    it('a passkey: phishing-resistant; hwk for a key that cannot leave its device, swk otherwise; mfa only with user verification', () => {
      assert.deepEqual(assuranceOf({ kind: 'passkey', hardwareBound: true, userVerified: true }), { acr: 'phr', amr: ['hwk', 'user', 'mfa'] });
      assert.deepEqual(assuranceOf({ kind: 'passkey', hardwareBound: false, userVerified: true }), { acr: 'phr', amr: ['swk', 'user', 'mfa'] });
      assert.deepEqual(assuranceOf({ kind: 'passkey', hardwareBound: false, userVerified: false }), { acr: 'phr', amr: ['swk', 'user'] });
    });

    it('discovery lists the levels strongest first', () => {
      assert.deepEqual(SUPPORTED_ACR_VALUES, ['phr', 'urn:tobira:acr:push:typed', 'urn:tobira:acr:push', 'urn:tobira:acr:password']);
    });
  });

  describe('a partner that accepts phishing-resistant only', () => {
    it('asks for phr alone, in acr_values or in the acr claim request', () => {
      assert.equal(requiresPhishingResistant('phr', undefined), true);
      assert.equal(requiresPhishingResistant(' phr  phr ', undefined), true);
      assert.equal(requiresPhishingResistant(undefined, { id_token: { acr: { value: 'phr' } } }), true);
      assert.equal(requiresPhishingResistant(undefined, { id_token: { acr: { values: ['phr'] } } }), true);
      assert.equal(requiresPhishingResistant('phr', { id_token: { acr: { essential: true, values: ['phr'] } } }), true);
    });

    it('is not one that also accepts a weaker level anywhere in its request', () => {
      assert.equal(requiresPhishingResistant(`phr ${ACR.PUSH}`, undefined), false);
      assert.equal(requiresPhishingResistant('phr', { id_token: { acr: { value: ACR.PASSWORD } } }), false);
      assert.equal(requiresPhishingResistant(undefined, { id_token: { acr: { values: ['phr', ACR.PUSH] } } }), false);
    });

    it('is not one that asked for no level at all', () => {
      assert.equal(requiresPhishingResistant(undefined, undefined), false);
      assert.equal(requiresPhishingResistant('', {}), false);
      assert.equal(requiresPhishingResistant(undefined, { userinfo: { acr: { value: 'phr' } } }), false);
    });

    it('reads malformed requests as asking for nothing, without throwing', () => {
      for (const [acrValues, claims] of [
        [['phr'], undefined],
        [42, null],
        [undefined, { id_token: { acr: { value: 1, values: 'phr' } } }],
        [undefined, { id_token: { acr: { values: [1, null, {}] } } }],
        [undefined, { id_token: null }],
        [undefined, 'phr'],
      ] as Array<[unknown, unknown]>) {
        assert.equal(requiresPhishingResistant(acrValues, claims), false, JSON.stringify([acrValues, claims]));
      }
    });
  });

  describe('a partner that needs the typed number (or better)', () => {
    it('asks for the typed push alone or with phr, in acr_values or in the acr claim request', () => {
      assert.equal(requiresTypedPush(ACR.PUSH_TYPED, undefined), true);
      assert.equal(requiresTypedPush(`phr ${ACR.PUSH_TYPED}`, undefined), true);
      assert.equal(requiresTypedPush(undefined, { id_token: { acr: { essential: true, values: [ACR.PUSH_TYPED, 'phr'] } } }), true);
      assert.equal(requiresPhishingResistant(`phr ${ACR.PUSH_TYPED}`, undefined), false, 'a typed push does for it, so no passkey-only page');
    });

    it('is not one that accepts a picked number, a password or phr alone', () => {
      assert.equal(requiresTypedPush(`${ACR.PUSH_TYPED} ${ACR.PUSH}`, undefined), false);
      assert.equal(requiresTypedPush(`${ACR.PUSH_TYPED} ${ACR.PASSWORD}`, undefined), false);
      assert.equal(requiresTypedPush('phr', undefined), false);
      assert.equal(requiresTypedPush(undefined, undefined), false);
      assert.equal(requiresTypedPush([ACR.PUSH_TYPED], undefined), false);
    });

    it('is met by a typed push and by a passkey, by nothing else', () => {
      assert.equal(meetsTypedPush(ACR.PUSH_TYPED), true);
      assert.equal(meetsTypedPush(ACR.PHISHING_RESISTANT), true);
      for (const acr of [ACR.PUSH, ACR.PASSWORD, undefined, '', 42]) assert.equal(meetsTypedPush(acr), false, String(acr));
    });
  });

  it('possession of an authenticator: a passkey or a phone approval, never a password or an unknown acr', () => {
    assert.equal(provesPossession(ACR.PHISHING_RESISTANT), true);
    assert.equal(provesPossession(ACR.PUSH), true);
    assert.equal(provesPossession(ACR.PUSH_TYPED), true);
    for (const acr of [ACR.PASSWORD, undefined, '', 'urn:someone:else', '0']) assert.equal(provesPossession(acr), false, String(acr));
  });
});
