// Proves the software authenticator produces responses @simplewebauthn/server verifies for real,
// and that each Tamper knob makes verification fail.
import assert from 'node:assert/strict';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import { AUTH_DATA_COUNTER_OFFSET, SoftAuthenticator, flipByte, type SoftAlg, type SoftAuthenticatorOptions } from '../support/soft-authenticator.ts';

const ORIGIN = 'https://id.tobira.test';
const RP_ID = 'id.tobira.test';
const AAGUID = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4'; // Google Password Manager's

async function registrationOptions(): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: 'tobira',
    rpID: RP_ID,
    userName: 'ada@example.test',
    userID: new TextEncoder().encode('user-0001'),
    attestationType: 'none',
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
}

function verifyRegistration(response: RegistrationResponseJSON, challenge: string) {
  return verifyRegistrationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: true,
  });
}

/** Registers `authenticator` for real and returns the credential as the server would store it. */
async function enrol(authenticator: SoftAuthenticator): Promise<WebAuthnCredential> {
  const options = await registrationOptions();
  const result = await verifyRegistration(authenticator.register(options), options.challenge);
  assert.equal(result.verified, true);
  assert.ok(result.registrationInfo);
  return result.registrationInfo.credential;
}

async function authenticationChallenge(credential?: WebAuthnCredential) {
  return generateAuthenticationOptions({
    rpID: RP_ID,
    userVerification: 'required',
    ...(credential ? { allowCredentials: [{ id: credential.id }] } : {}),
  });
}

function verifyAuthentication(response: AuthenticationResponseJSON, challenge: string, credential: WebAuthnCredential) {
  return verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential,
    requireUserVerification: true,
  });
}

function makeAuthenticator(alg: SoftAlg, extra: Partial<SoftAuthenticatorOptions> = {}): SoftAuthenticator {
  return new SoftAuthenticator({ alg, origin: ORIGIN, rpId: RP_ID, ...extra });
}

/** Appends a space: still valid JSON with the same members, but no longer the signed bytes. */
const appendSpace = (bytes: Uint8Array): Uint8Array => Uint8Array.of(...bytes, 0x20);
/** Flips the low bit of the signCount's last byte: parses fine, but no longer the signed bytes. */
const flipCounterByte = (bytes: Uint8Array): Uint8Array => flipByte(bytes, AUTH_DATA_COUNTER_OFFSET + 3);

describe('software authenticator', function () {
  for (const alg of ['ES256', 'RS256'] as const) {
    const expectedCoseAlg = alg === 'ES256' ? -7 : -257;

    describe(`${alg} registration`, function () {
      it('produces a response that verifies with requireUserVerification', async function () {
        const authenticator = makeAuthenticator(alg);
        const options = await registrationOptions();
        const response = authenticator.register(options);
        assert.equal(response.response.publicKeyAlgorithm, expectedCoseAlg);
        const result = await verifyRegistration(response, options.challenge);
        assert.equal(result.verified, true);
        const info = result.registrationInfo;
        assert.ok(info);
        assert.equal(info.fmt, 'none');
        assert.equal(info.credential.id, authenticator.credentialId);
        assert.deepEqual(new Uint8Array(info.credential.publicKey), authenticator.credentialPublicKey);
        assert.equal(info.credential.counter, 0);
        assert.equal(info.aaguid, '00000000-0000-0000-0000-000000000000');
        assert.equal(info.userVerified, true);
        assert.equal(info.credentialDeviceType, 'singleDevice');
        assert.equal(info.credentialBackedUp, false);
        assert.equal(info.origin, ORIGIN);
        assert.equal(info.rpID, RP_ID);
        assert.equal(authenticator.userHandle, options.user.id);
        assert.deepEqual(response.clientExtensionResults, { credProps: { rk: true } });
      });

      it('reports aaguid, start counter and backup flags of a synced passkey', async function () {
        const authenticator = makeAuthenticator(alg, { aaguid: AAGUID, backupEligible: true, backedUp: true, startCounter: 7 });
        const options = await registrationOptions();
        const result = await verifyRegistration(authenticator.register(options), options.challenge);
        assert.equal(result.verified, true);
        assert.equal(result.registrationInfo?.aaguid, AAGUID);
        assert.equal(result.registrationInfo?.credential.counter, 7);
        assert.equal(result.registrationInfo?.credentialDeviceType, 'multiDevice');
        assert.equal(result.registrationInfo?.credentialBackedUp, true);
      });

      it('reports a backup-eligible passkey that is not backed up yet', async function () {
        const authenticator = makeAuthenticator(alg, { backupEligible: true });
        const options = await registrationOptions();
        const result = await verifyRegistration(authenticator.register(options), options.challenge);
        assert.equal(result.registrationInfo?.credentialDeviceType, 'multiDevice');
        assert.equal(result.registrationInfo?.credentialBackedUp, false);
      });

      it('packed self attestation verifies, and its signature is checked', async function () {
        const good = makeAuthenticator(alg, { attestation: 'packed' });
        let options = await registrationOptions();
        const result = await verifyRegistration(good.register(options), options.challenge);
        assert.equal(result.verified, true);
        assert.equal(result.registrationInfo?.fmt, 'packed');

        options = await registrationOptions();
        const badSig = makeAuthenticator(alg, { attestation: 'packed' }).register(options, { mutateSignature: (b) => flipByte(b) });
        assert.equal((await verifyRegistration(badSig, options.challenge)).verified, false);

        options = await registrationOptions();
        const badData = makeAuthenticator(alg, { attestation: 'packed' }).register(options, { mutateAuthenticatorData: flipCounterByte });
        assert.equal((await verifyRegistration(badData, options.challenge)).verified, false);

        options = await registrationOptions();
        const badClientData = makeAuthenticator(alg, { attestation: 'packed' }).register(options, { mutateClientDataJSON: appendSpace });
        assert.equal((await verifyRegistration(badClientData, options.challenge)).verified, false);
      });

      it("fmt 'none' carries no signature: a mutated authenticatorData still verifies (server must not rely on it)", async function () {
        const options = await registrationOptions();
        const response = makeAuthenticator(alg).register(options, { mutateAuthenticatorData: flipCounterByte });
        const result = await verifyRegistration(response, options.challenge);
        assert.equal(result.verified, true);
        assert.equal(result.registrationInfo?.credential.counter, 1);
      });

      const rejected: [string, Parameters<SoftAuthenticator['register']>[1], RegExp][] = [
        ['wrong origin', { origin: 'https://evil.test' }, /origin "https:\/\/evil\.test"/],
        ['wrong rpId hash', { rpId: 'evil.test' }, /Unexpected RP ID hash/],
        ['UP missing', { userPresent: false }, /User presence was required/],
        ['UV missing', { userVerified: false }, /User verification was required/],
        ['wrong challenge', { challenge: 'AAAA' }, /Unexpected registration response challenge "AAAA"/],
        ['wrong type', { type: 'webauthn.get' }, /Unexpected registration response type: webauthn\.get/],
      ];
      for (const [name, tamper, message] of rejected) {
        it(`is rejected with ${name}`, async function () {
          const options = await registrationOptions();
          await assert.rejects(verifyRegistration(makeAuthenticator(alg).register(options, tamper), options.challenge), message);
        });
      }
    });

    describe(`${alg} authentication`, function () {
      let authenticator: SoftAuthenticator;
      let credential: WebAuthnCredential;

      beforeEach(async function () {
        authenticator = makeAuthenticator(alg);
        credential = await enrol(authenticator);
      });

      it('verifies, with the stored user handle and an incrementing counter', async function () {
        for (const expected of [1, 2]) {
          const options = await authenticationChallenge(credential);
          const response = authenticator.authenticate(options);
          assert.equal(response.id, credential.id);
          assert.equal(response.response.userHandle, authenticator.userHandle);
          const result = await verifyAuthentication(response, options.challenge, credential);
          assert.equal(result.verified, true);
          assert.equal(result.authenticationInfo.newCounter, expected);
          assert.equal(result.authenticationInfo.userVerified, true);
          credential.counter = result.authenticationInfo.newCounter;
        }
      });

      it('verifies as a discoverable credential (no allowCredentials)', async function () {
        const options = await authenticationChallenge();
        const response = authenticator.authenticate(options);
        assert.equal(response.response.userHandle, authenticator.userHandle);
        assert.equal((await verifyAuthentication(response, options.challenge, credential)).verified, true);
      });

      it('keeps reporting 0 with counterStep 0 (synced passkey)', async function () {
        const synced = makeAuthenticator(alg, { counterStep: 0, backupEligible: true, backedUp: true });
        const stored = await enrol(synced);
        for (let i = 0; i < 2; i += 1) {
          const options = await authenticationChallenge(stored);
          const result = await verifyAuthentication(synced.authenticate(options), options.challenge, stored);
          assert.equal(result.verified, true);
          assert.equal(result.authenticationInfo.newCounter, 0);
          assert.equal(result.authenticationInfo.credentialDeviceType, 'multiDevice');
          assert.equal(result.authenticationInfo.credentialBackedUp, true);
        }
      });

      it('a clone shares the key but not the counter, so the server sees the counter regress', async function () {
        const twin = authenticator.clone();
        assert.equal(twin.credentialId, authenticator.credentialId);
        let options = await authenticationChallenge(credential);
        const first = await verifyAuthentication(authenticator.authenticate(options), options.challenge, credential);
        assert.equal(first.verified, true);
        credential.counter = first.authenticationInfo.newCounter;

        options = await authenticationChallenge(credential);
        await assert.rejects(verifyAuthentication(twin.authenticate(options), options.challenge, credential), /Response counter value 1 was lower than expected 1/);
      });

      it('a forced counter below the stored one is rejected', async function () {
        credential.counter = 5;
        const options = await authenticationChallenge(credential);
        await assert.rejects(verifyAuthentication(authenticator.authenticate(options, { counter: 3 }), options.challenge, credential), /counter value 3 was lower than expected 5/);
      });

      const rejected: [string, Parameters<SoftAuthenticator['authenticate']>[1], RegExp][] = [
        ['wrong origin', { origin: 'https://evil.test' }, /origin "https:\/\/evil\.test"/],
        ['wrong rpId hash', { rpId: 'evil.test' }, /Unexpected RP ID hash/],
        ['UP missing', { userPresent: false }, /User not present/],
        ['UV missing', { userVerified: false }, /User verification required/],
        ['wrong challenge', { challenge: 'AAAA' }, /Unexpected authentication response challenge "AAAA"/],
        ['wrong type', { type: 'webauthn.create' }, /Unexpected authentication response type: webauthn\.create/],
      ];
      for (const [name, tamper, message] of rejected) {
        it(`is rejected with ${name}`, async function () {
          const options = await authenticationChallenge(credential);
          await assert.rejects(verifyAuthentication(authenticator.authenticate(options, tamper), options.challenge, credential), message);
        });
      }

      const badSignature: [string, Parameters<SoftAuthenticator['authenticate']>[1]][] = [
        ['mutated clientDataJSON', { mutateClientDataJSON: appendSpace }],
        ['mutated authenticatorData', { mutateAuthenticatorData: flipCounterByte }],
        ['mutated signature', { mutateSignature: (bytes) => flipByte(bytes) }],
      ];
      for (const [name, tamper] of badSignature) {
        it(`fails signature verification with ${name}`, async function () {
          const options = await authenticationChallenge(credential);
          const result = await verifyAuthentication(authenticator.authenticate(options, tamper), options.challenge, credential);
          assert.equal(result.verified, false);
        });
      }

      it('a signature made by another key does not verify', async function () {
        const other = makeAuthenticator(alg);
        await enrol(other);
        const options = await authenticationChallenge();
        const response = other.authenticate(options, { credentialId: credential.id, userHandle: authenticator.userHandle });
        assert.equal(response.id, credential.id);
        assert.equal((await verifyAuthentication(response, options.challenge, credential)).verified, false);
      });
    });
  }

  describe('browser-side behaviour', function () {
    it('throws when allowCredentials does not list its credential', async function () {
      const authenticator = makeAuthenticator('ES256');
      await enrol(authenticator);
      const options = await generateAuthenticationOptions({ rpID: RP_ID, allowCredentials: [{ id: 'AAAAAAAAAAAAAAAAAAAAAA' }] });
      assert.throws(() => authenticator.authenticate(options), /NotAllowedError/);
    });

    it('throws when it has no credential for the RP ID, or before registration', async function () {
      const fresh = makeAuthenticator('ES256');
      assert.throws(() => fresh.authenticate({ challenge: 'AAAA' }), /NotAllowedError/);
      assert.throws(() => fresh.credentialId, /call register\(\) first/);
      const sub = new SoftAuthenticator({ alg: 'ES256', origin: 'https://id.tobira.test', rpId: 'tobira.test' });
      sub.register({ challenge: 'AAAA', rp: {}, user: { id: 'dXNlcg' } });
      assert.throws(() => sub.authenticate({ challenge: 'AAAA', rpId: RP_ID }), /NotAllowedError/);
    });

    it('refuses an RP ID that is not valid for the origin', function () {
      const authenticator = makeAuthenticator('ES256');
      assert.throws(() => authenticator.register({ challenge: 'AAAA', rp: { id: 'evil.test' }, user: { id: 'dXNlcg' } }), /SecurityError/);
    });

    it('refuses excludeCredentials that list its credential, and algorithms it does not have', async function () {
      const authenticator = makeAuthenticator('ES256');
      const stored = await enrol(authenticator);
      const options = await generateRegistrationOptions({ rpName: 'tobira', rpID: RP_ID, userName: 'ada', excludeCredentials: [{ id: stored.id }] });
      assert.throws(() => authenticator.register(options), /InvalidStateError/);
      const rsaOnly = await generateRegistrationOptions({ rpName: 'tobira', rpID: RP_ID, userName: 'ada', supportedAlgorithmIDs: [-257] });
      assert.throws(() => makeAuthenticator('ES256').register(rsaOnly), /NotSupportedError/);
    });

    it('leaves out the user handle on request, and claims another credential ID', async function () {
      const authenticator = makeAuthenticator('ES256');
      await enrol(authenticator);
      const response = authenticator.authenticate({ challenge: 'AAAA' }, { userHandle: null, credentialId: 'b3RoZXI' });
      assert.equal('userHandle' in response.response, false);
      assert.equal(response.id, 'b3RoZXI');
      assert.equal(response.rawId, 'b3RoZXI');
    });
  });
});
