// Passkeys: bytes come back as plain Uint8Array, credential IDs are unique, only owners change them.
import assert from 'node:assert/strict';
import { DuplicateKeyError } from '../../../src/store/errors.ts';
import type { Passkey } from '../../../src/store/types.ts';
import { forEachStore } from './support.ts';

/** Bytes shaped like nothing in particular: every byte value 0x00..0xff occurs. */
function coseKeyBytes(): Uint8Array {
  return Uint8Array.from({ length: 300 }, (_, i) => (0xa5 + i * 7) % 256);
}

/** Exactly a Uint8Array (no Buffer, no BSON Binary: @simplewebauthn/server rejects those) with these bytes. */
function assertPlainBytes(actual: Uint8Array, expected: Uint8Array): void {
  assert.equal(Object.getPrototypeOf(actual), Uint8Array.prototype, `got a ${actual?.constructor?.name}`);
  assert.deepEqual(actual, expected);
}

forEachStore('passkeys', (t) => {
  const passkey = (accountId: string, credentialId: string, overrides: Partial<Passkey> = {}): Passkey => ({
    credentialId,
    accountId,
    userHandle: `handle-of-${accountId}`,
    publicKey: coseKeyBytes(),
    counter: 0,
    transports: ['internal', 'hybrid'],
    aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd',
    deviceType: 'singleDevice',
    backedUp: false,
    name: 'iCloud Keychain',
    createdAt: new Date(t.clock),
    lastUsedAt: null,
    ...overrides,
  });

  it('adds, finds and lists passkeys oldest first, handing the public key back as a plain Uint8Array', async () => {
    const newer = passkey('acc-1', 'cred-newer', { createdAt: new Date(t.clock + 1000), name: 'Phone' });
    const older = passkey('acc-1', 'cred-older', { createdAt: new Date(t.clock - 1000), transports: [] });
    // A Buffer handed in must come back as a Uint8Array too.
    const buffered = passkey('acc-2', 'cred-buffer', { publicKey: Buffer.from(coseKeyBytes()) });
    await t.store.passkeys.add(newer);
    await t.store.passkeys.add(older);
    await t.store.passkeys.add(buffered);

    const found = await t.store.passkeys.findByCredentialId('cred-newer');
    assert.ok(found);
    assert.deepEqual(found, newer);
    assertPlainBytes(found.publicKey, coseKeyBytes());
    const foundBuffered = await t.store.passkeys.findByCredentialId('cred-buffer');
    assert.ok(foundBuffered);
    assertPlainBytes(foundBuffered.publicKey, coseKeyBytes());

    const listed = await t.store.passkeys.listByAccount('acc-1');
    assert.deepEqual(listed.map((p) => p.credentialId), ['cred-older', 'cred-newer']);
    assert.deepEqual(listed, [older, newer]);
    for (const p of listed) assertPlainBytes(p.publicKey, coseKeyBytes());
    assert.deepEqual((await t.store.passkeys.listByAccount('acc-2')).map((p) => p.credentialId), ['cred-buffer']);
    assert.deepEqual(await t.store.passkeys.listByAccount('nobody'), []);
    assert.equal(await t.store.passkeys.findByCredentialId('unknown'), undefined);
  });

  it('is not changed by mutating the added or the returned passkey', async () => {
    const input = passkey('acc-1', 'cred-1');
    await t.store.passkeys.add(input);
    input.publicKey[0] = 0x00;
    input.transports.push('usb');
    input.name = 'mutated input';
    const found = await t.store.passkeys.findByCredentialId('cred-1');
    assert.ok(found);
    found.publicKey[1] = 0x00;
    found.transports.push('nfc');
    found.createdAt.setTime(0);
    assert.deepEqual(await t.store.passkeys.findByCredentialId('cred-1'), passkey('acc-1', 'cred-1'));
  });

  it('refuses a credential ID registered before, even to another account, and keeps the first', async () => {
    const first = passkey('acc-1', 'cred-1');
    await t.store.passkeys.add(first);
    await assert.rejects(
      t.store.passkeys.add(passkey('acc-2', 'cred-1', { publicKey: Uint8Array.from([1, 2, 3]), name: 'Impostor' })),
      (err: unknown) => err instanceof DuplicateKeyError && err.field === 'credentialId',
    );
    assert.deepEqual(await t.store.passkeys.findByCredentialId('cred-1'), first);
    assert.deepEqual(await t.store.passkeys.listByAccount('acc-2'), []);
  });

  it('records a use: counter, backup state and last use, nothing else', async () => {
    await t.store.passkeys.add(passkey('acc-1', 'cred-1'));
    const at = new Date(t.clock + 5000);
    assert.equal(await t.store.passkeys.recordUse('cred-1', { counter: 42, deviceType: 'multiDevice', backedUp: true, at }), true);
    assert.deepEqual(
      await t.store.passkeys.findByCredentialId('cred-1'),
      passkey('acc-1', 'cred-1', { counter: 42, deviceType: 'multiDevice', backedUp: true, lastUsedAt: at }),
    );
    assert.equal(await t.store.passkeys.recordUse('unknown', { counter: 1, deviceType: 'singleDevice', backedUp: false, at }), false);
    assert.equal(await t.store.passkeys.findByCredentialId('unknown'), undefined);
  });

  it("renames and removes only the owner's passkey", async () => {
    await t.store.passkeys.add(passkey('acc-1', 'cred-1'));
    await t.store.passkeys.add(passkey('acc-2', 'cred-2'));

    assert.equal(await t.store.passkeys.rename('acc-2', 'cred-1', 'Hijacked'), false);
    assert.equal(await t.store.passkeys.remove('acc-2', 'cred-1'), false);
    assert.deepEqual(await t.store.passkeys.findByCredentialId('cred-1'), passkey('acc-1', 'cred-1'));

    assert.equal(await t.store.passkeys.rename('acc-1', 'cred-1', 'Work laptop'), true);
    assert.equal(await t.store.passkeys.rename('acc-1', 'cred-1', 'Work laptop'), true, 'renaming to the same name still finds it');
    assert.deepEqual(await t.store.passkeys.findByCredentialId('cred-1'), passkey('acc-1', 'cred-1', { name: 'Work laptop' }));
    assert.equal(await t.store.passkeys.rename('acc-1', 'unknown', 'x'), false);

    assert.equal(await t.store.passkeys.remove('acc-1', 'cred-1'), true);
    assert.equal(await t.store.passkeys.findByCredentialId('cred-1'), undefined);
    assert.deepEqual(await t.store.passkeys.listByAccount('acc-1'), []);
    assert.equal(await t.store.passkeys.remove('acc-1', 'cred-1'), false);
    assert.equal(await t.store.passkeys.rename('acc-1', 'cred-1', 'gone'), false);
    assert.deepEqual(await t.store.passkeys.findByCredentialId('cred-2'), passkey('acc-2', 'cred-2'));
    // A removed credential ID may be registered again.
    await t.store.passkeys.add(passkey('acc-1', 'cred-1'));
  });
});
