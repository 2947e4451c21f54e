// Signatures made through node:crypto must be exactly what a JOSE library accepts for the JWS
// algorithm (jose verifies them here, as partners' libraries do), and the key must refuse to be
// built from what it cannot sign with.
import assert from 'node:assert/strict';
import { calculateJwkThumbprint, compactVerify, CompactSign, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { NodeSigningKey, providerSigningKeys } from './node-signing-key.ts';

async function privateJwk(alg: string, options: { crv?: string } = {}): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...options });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg, use: 'sig', kid: await calculateJwkThumbprint(jwk) };
}

function publicOf(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = jwk;
  return rest;
}

/** What oidc-provider does with an external key (lib/helpers/jwt.js): header.payload, then the signature. */
function compactWith(key: NodeSigningKey, payload: object): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: key.alg, kid: key.kid })}.${encode(payload)}`;
  return `${input}.${Buffer.from(key.sign(Buffer.from(input))).toString('base64url')}`;
}

describe('NodeSigningKey (ID tokens signed by node:crypto)', () => {
  for (const [alg, options] of [['RS256', {}], ['PS256', {}], ['ES256', {}], ['ES384', {}], ['EdDSA', { crv: 'Ed25519' }]] as const) {
    it(`signs ${alg} so that jose verifies it with the published public key`, async () => {
      const jwk = await privateJwk(alg, options);
      const key = new NodeSigningKey(jwk);
      const token = compactWith(key, { sub: 'abc', iat: 1 });
      const verified = await compactVerify(token, await importJWK(publicOf(jwk), alg));
      assert.deepEqual(JSON.parse(new TextDecoder().decode(verified.payload)), { sub: 'abc', iat: 1 });
      assert.equal(verified.protectedHeader.kid, jwk.kid);
      // The public half it hands oidc-provider is the key's own.
      const { alg: _alg, use: _use, kid: _kid, ...members } = publicOf(jwk);
      assert.deepEqual(key.keyObject().export({ format: 'jwk' }), members);
      assert.equal(key.kty, jwk.kty);
    });
  }

  it('every ECDSA signature verifies, also those whose r or s starts with zero bits (DER drops or pads them)', async () => {
    for (const [alg, count] of [['ES256', 2000], ['ES384', 500]] as const) {
      const jwk = await privateJwk(alg);
      const key = new NodeSigningKey(jwk);
      const publicKey = await importJWK(publicOf(jwk), alg);
      let short = 0;
      for (let i = 0; i < count; i += 1) {
        const token = compactWith(key, { i });
        const signature = Buffer.from(token.split('.')[2]!, 'base64url');
        assert.equal(signature.length, alg === 'ES256' ? 64 : 96, 'r ‖ s, each padded to the curve size');
        if (signature[0] === 0 || signature[signature.length / 2] === 0) short += 1;
        await compactVerify(token, publicKey);
      }
      // About 1 in 128 signatures has a leading zero byte in r or s: the case a DER conversion gets wrong.
      assert.ok(short > 0, `${alg}: some signatures exercised the padding`);
    }
  });

  it('verifies what jose signs with the same key, so tokens signed before the switch stay valid', async () => {
    const jwk = await privateJwk('ES256');
    const token = await new CompactSign(Buffer.from('{"sub":"abc"}')).setProtectedHeader({ alg: 'ES256' }).sign(await importJWK(jwk, 'ES256'));
    await compactVerify(token, new NodeSigningKey(jwk).keyObject());
  });

  it('a changed signature or payload does not verify', async () => {
    const jwk = await privateJwk('ES256');
    const token = compactWith(new NodeSigningKey(jwk), { sub: 'abc' });
    const [header, payload, signature] = token.split('.');
    const otherPayload = Buffer.from('{"sub":"abd"}').toString('base64url');
    const publicKey = await importJWK(publicOf(jwk), 'ES256');
    await assert.rejects(compactVerify(`${header}.${otherPayload}.${signature}`, publicKey), /signature verification failed/);
    const flipped = Buffer.from(signature!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    await assert.rejects(compactVerify(`${header}.${payload}.${flipped.toString('base64url')}`, publicKey), /signature verification failed/);
  });

  it('refuses a key without a kid or with an algorithm it cannot sign', async () => {
    const jwk = await privateJwk('ES256');
    assert.throws(() => new NodeSigningKey({ ...jwk, kid: undefined }), /needs a kid/);
    assert.throws(() => new NodeSigningKey({ ...jwk, alg: 'HS256' }), /needs a kid and one of/);
    assert.throws(() => new NodeSigningKey({ ...jwk, alg: undefined }), /needs a kid and one of/);
  });

  it('wraps every key of a private JWKS, in order', async () => {
    const keys = [await privateJwk('ES256'), await privateJwk('RS256')];
    assert.deepEqual(providerSigningKeys({ keys }).keys.map((key) => [key.kid, key.alg]), keys.map((key) => [key.kid, key.alg]));
  });
});
