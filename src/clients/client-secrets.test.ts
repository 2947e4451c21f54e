import assert from 'node:assert/strict';
import { generateClientSecret, hashClientSecret, isHashedSecret, isSealedSecret, openClientSecret, sealClientSecret, sealingKey, secretKeeping, verifyHashedSecret } from './client-secrets.ts';

describe('client secrets at rest', () => {
  it('generates 256-bit base64url secrets, never the same twice', () => {
    const a = generateClientSecret();
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, generateClientSecret());
  });

  it('hashes with a salt and verifies only the same secret', async () => {
    const secret = generateClientSecret();
    const [one, two] = await Promise.all([hashClientSecret(secret), hashClientSecret(secret)]);
    assert.equal(isHashedSecret(one), true);
    assert.equal(isSealedSecret(one), false);
    assert.notEqual(one, two, 'salted');
    assert.ok(!one.includes(secret));
    assert.equal(await verifyHashedSecret(one, secret), true);
    assert.equal(await verifyHashedSecret(two, secret), true);
    assert.equal(await verifyHashedSecret(one, `${secret}x`), false);
    assert.equal(await verifyHashedSecret(one, ''), false);
    assert.equal(await verifyHashedSecret('$tobira-scrypt$broken', secret), false);
  });

  it('seals so that only the same key opens, and a tampered value does not open', () => {
    const key = sealingKey('a'.repeat(32));
    const sealed = sealClientSecret('the secret', key);
    assert.equal(isSealedSecret(sealed), true);
    assert.ok(!String(sealed).includes('the secret'));
    assert.notEqual(sealed, sealClientSecret('the secret', key), 'a fresh IV each time');
    assert.equal(openClientSecret(sealed, key), 'the secret');
    assert.equal(openClientSecret(sealed, sealingKey('b'.repeat(32))), undefined);
    const parts = sealed.split('$');
    const body = parts[3] ?? '';
    parts[3] = `${body.slice(0, -2)}${body.endsWith('AA') ? 'BB' : 'AA'}`;
    assert.equal(openClientSecret(parts.join('$'), key), undefined);
  });

  it('keeps a hash where oidc-provider only compares the secret, the secret itself where it is a key', () => {
    assert.equal(secretKeeping({}), 'hash');
    assert.equal(secretKeeping({ token_endpoint_auth_method: 'client_secret_post' }), 'hash');
    assert.equal(secretKeeping({ token_endpoint_auth_method: 'client_secret_jwt' }), 'seal');
    assert.equal(secretKeeping({ id_token_signed_response_alg: 'HS256' }), 'seal');
    assert.equal(secretKeeping({ token_endpoint_auth_method: 'none', userinfo_encrypted_response_alg: 'A128KW' }), 'seal');
    assert.equal(secretKeeping({ token_endpoint_auth_method: 'private_key_jwt' }), 'none');
    assert.equal(secretKeeping({ token_endpoint_auth_method: 'none' }), 'none');
  });
});
