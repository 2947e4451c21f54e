// Accounts: creation, the single-document updates and their races.
import assert from 'node:assert/strict';
import { DuplicateKeyError } from '../../../src/store/errors.ts';
import mongoose from 'mongoose';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import { mongoTestUri, uniqueDbName } from '../../support/mongo.ts';
import { forEachStore, race, valuesOf, withTwoConnections } from './support.ts';

forEachStore('accounts', (t) => {
  const alice = { email: 'alice@example.com', emailVerified: true, name: 'Alice', passwordHash: null };

  it('creates accounts with fresh ids and finds them by id and e-mail', async () => {
    const created = await t.store.accounts.create(alice);
    const other = await t.store.accounts.create({ ...alice, email: 'bob@example.com', name: '', passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA' });
    assert.match(created.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(created.id, other.id);
    assert.deepEqual(created, {
      id: created.id,
      ...alice,
      webauthnUserId: created.webauthnUserId,
      alwaysPasskey: false,
      contactEmail: null,
      contactMobile: null,
      sessionsValidFrom: null,
      disabled: null,
      createdAt: new Date(t.clock),
      updatedAt: new Date(t.clock),
    });
    assert.deepEqual(await t.store.accounts.findById(created.id), created);
    assert.deepEqual(await t.store.accounts.findByEmail('alice@example.com'), created);
    assert.deepEqual(await t.store.accounts.findByEmail('bob@example.com'), other);
    assert.equal(await t.store.accounts.findById('00000000-0000-4000-8000-000000000000'), undefined);
    assert.equal(await t.store.accounts.findByEmail('carol@example.com'), undefined);
  });

  it('gives every account its own random WebAuthn user handle: 32 bytes, base64url', async () => {
    const accounts = [];
    for (let i = 0; i < 5; i += 1) accounts.push(await t.store.accounts.create({ ...alice, email: `user${i}@example.com` }));
    const handles = accounts.map((account) => account.webauthnUserId);
    for (const handle of handles) {
      assert.match(handle, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(handle, 'base64url').length, 32);
    }
    assert.equal(new Set(handles).size, handles.length);
    for (const account of accounts) {
      assert.notEqual(account.webauthnUserId, Buffer.from(account.id).toString('base64url'));
      assert.deepEqual(await t.store.accounts.findById(account.id), account);
    }
  });

  it('keeps the WebAuthn user handle a passkey was registered with before the account existed', async () => {
    const handle = Buffer.alloc(32, 7).toString('base64url');
    const created = await t.store.accounts.create({ ...alice, email: 'early-passkey@example.com', webauthnUserId: handle });
    assert.equal(created.webauthnUserId, handle);
    assert.equal((await t.store.accounts.findById(created.id))?.webauthnUserId, handle);
  });

  it('refuses a duplicate e-mail and leaves the first account as it was', async () => {
    const first = await t.store.accounts.create(alice);
    await assert.rejects(
      t.store.accounts.create({ ...alice, name: 'Impostor', emailVerified: false }),
      (err: unknown) => err instanceof DuplicateKeyError && err.field === 'email',
    );
    assert.deepEqual(await t.store.accounts.findByEmail(alice.email), first);
  });

  it('sets the sign-in mode, and with an expectation only while the flag has that value', async () => {
    const hash = '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA';
    const created = await t.store.accounts.create({ ...alice, passwordHash: hash });
    const on = await t.store.accounts.setSignInMode(created.id, { passwordHash: null, alwaysPasskey: true }, new Date(t.clock + 1000), false);
    const expectedOn = { ...created, passwordHash: null, alwaysPasskey: true, updatedAt: new Date(t.clock + 1000) };
    assert.deepEqual(on, expectedOn);
    assert.deepEqual(await t.store.accounts.findById(created.id), expectedOn);

    // A password reset that still believes the mode is off must not undo the switch.
    assert.equal(await t.store.accounts.setSignInMode(created.id, { passwordHash: 'reset', alwaysPasskey: false }, new Date(t.clock + 2000), false), undefined);
    assert.deepEqual(await t.store.accounts.findById(created.id), expectedOn, 'a failed expectation changes nothing');

    const off = await t.store.accounts.setSignInMode(created.id, { passwordHash: 'new-hash', alwaysPasskey: false }, new Date(t.clock + 3000), true);
    const expectedOff = { ...created, passwordHash: 'new-hash', alwaysPasskey: false, updatedAt: new Date(t.clock + 3000) };
    assert.deepEqual(off, expectedOff);
    assert.deepEqual(await t.store.accounts.findById(created.id), expectedOff);

    // Without an expectation the mode is written whatever it was.
    const plain = await t.store.accounts.setSignInMode(created.id, { passwordHash: 'newer-hash', alwaysPasskey: false }, new Date(t.clock + 4000));
    assert.deepEqual(plain, { ...expectedOff, passwordHash: 'newer-hash', updatedAt: new Date(t.clock + 4000) });
    assert.deepEqual(await t.store.accounts.findByEmail(alice.email), plain);
  });

  it('sets and removes each contact, and sets the name, keeping everything else', async () => {
    const created = await t.store.accounts.create(alice);
    const email = { value: 'alice.home@example.net', verifiedAt: new Date(t.clock + 1000) };
    const mobile = { value: '+819012345678', verifiedAt: new Date(t.clock + 2000) };

    const withEmail = await t.store.accounts.setContact(created.id, 'email', email, new Date(t.clock + 1000));
    assert.deepEqual(withEmail, { ...created, contactEmail: email, updatedAt: new Date(t.clock + 1000) });
    const withBoth = await t.store.accounts.setContact(created.id, 'mobile', mobile, new Date(t.clock + 2000));
    assert.deepEqual(withBoth, { ...created, contactEmail: email, contactMobile: mobile, updatedAt: new Date(t.clock + 2000) });
    assert.deepEqual(await t.store.accounts.findById(created.id), withBoth);

    const renamed = await t.store.accounts.setName(created.id, 'アリス', new Date(t.clock + 3000));
    assert.deepEqual(renamed, { ...withBoth, name: 'アリス', updatedAt: new Date(t.clock + 3000) });
    const unnamed = await t.store.accounts.setName(created.id, '', new Date(t.clock + 4000));
    assert.deepEqual(unnamed, { ...withBoth, name: '', updatedAt: new Date(t.clock + 4000) }, 'an empty name is valid');

    const withoutEmail = await t.store.accounts.setContact(created.id, 'email', null, new Date(t.clock + 5000));
    assert.deepEqual(withoutEmail, { ...withBoth, name: '', contactEmail: null, updatedAt: new Date(t.clock + 5000) });
    const withoutBoth = await t.store.accounts.setContact(created.id, 'mobile', null, new Date(t.clock + 6000));
    assert.deepEqual(withoutBoth, { ...created, name: '', updatedAt: new Date(t.clock + 6000) });
    assert.deepEqual(await t.store.accounts.findById(created.id), withoutBoth);
  });

  it('is not changed by mutating the given contact or a returned account', async () => {
    const created = await t.store.accounts.create(alice);
    const email = { value: 'alice.home@example.net', verifiedAt: new Date(t.clock) };
    const returned = await t.store.accounts.setContact(created.id, 'email', email, new Date(t.clock));
    email.value = 'mutated input';
    email.verifiedAt.setTime(0);
    assert.ok(returned?.contactEmail);
    returned.contactEmail.value = 'mutated output';
    returned.contactEmail.verifiedAt.setTime(0);
    const expected = { ...created, contactEmail: { value: 'alice.home@example.net', verifiedAt: new Date(t.clock) } };
    assert.deepEqual(await t.store.accounts.findById(created.id), expected);
  });

  it('moves the start of valid sessions forward only, keeping everything else', async () => {
    const created = await t.store.accounts.create(alice);
    const seconds = Math.floor(t.clock / 1000);
    const set = await t.store.accounts.setSessionsValidFrom(created.id, seconds, new Date(t.clock + 1000));
    const expected = { ...created, sessionsValidFrom: seconds, updatedAt: new Date(t.clock + 1000) };
    assert.deepEqual(set, expected);
    assert.deepEqual(await t.store.accounts.findById(created.id), expected);

    // An earlier or the same value changes nothing (not even updatedAt), and reads back as stored.
    assert.deepEqual(await t.store.accounts.setSessionsValidFrom(created.id, seconds - 60, new Date(t.clock + 2000)), expected);
    assert.deepEqual(await t.store.accounts.setSessionsValidFrom(created.id, seconds, new Date(t.clock + 2000)), expected);
    assert.deepEqual(await t.store.accounts.findById(created.id), expected, 'never lowered');

    const later = await t.store.accounts.setSessionsValidFrom(created.id, seconds + 5, new Date(t.clock + 3000));
    assert.deepEqual(later, { ...expected, sessionsValidFrom: seconds + 5, updatedAt: new Date(t.clock + 3000) });
    // Other updates keep it.
    const renamed = await t.store.accounts.setName(created.id, 'Renamed', new Date(t.clock + 4000));
    assert.equal(renamed?.sessionsValidFrom, seconds + 5);
    assert.deepEqual(await t.store.accounts.findById(created.id), renamed);
  });

  it('keeps the latest of concurrent moves of the start of valid sessions', async () => {
    const created = await t.store.accounts.create(alice);
    const seconds = Math.floor(t.clock / 1000);
    const results = valuesOf(await race(8, (i) => t.store.accounts.setSessionsValidFrom(created.id, seconds + ((i * 5) % 8), new Date(t.clock + i))));
    assert.ok(results.every((result) => result !== undefined && result.sessionsValidFrom !== null && result.sessionsValidFrom >= seconds));
    assert.equal((await t.store.accounts.findById(created.id))?.sessionsValidFrom, seconds + 7);
  });

  it('marks an unproven e-mail address proven once: the one winner of concurrent proofs gets the account, the rest undefined', async () => {
    const unproven = await t.store.accounts.create({ ...alice, emailVerified: false, passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA' });
    assert.equal(unproven.emailVerified, false);
    const results = valuesOf(await race(6, (i) => t.store.accounts.setEmailVerified(unproven.id, new Date(t.clock + 1000 + i))));
    const winners = results.filter((result) => result !== undefined);
    assert.equal(winners.length, 1, 'the clean-up after a proof runs once');
    assert.deepEqual(winners[0], { ...unproven, emailVerified: true, updatedAt: winners[0]?.updatedAt });
    assert.deepEqual(await t.store.accounts.findById(unproven.id), winners[0]);
    assert.equal(await t.store.accounts.setEmailVerified(unproven.id, new Date(t.clock + 9000)), undefined, 'proven already');
    assert.equal(await t.store.accounts.setEmailVerified('00000000-0000-4000-8000-000000000000', new Date(t.clock)), undefined);
  });

  it('answers undefined for an unknown account, and creates none', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const at = new Date(t.clock);
    assert.equal(await t.store.accounts.setSignInMode(unknown, { passwordHash: null, alwaysPasskey: true }, at), undefined);
    assert.equal(await t.store.accounts.setSignInMode(unknown, { passwordHash: null, alwaysPasskey: true }, at, false), undefined);
    assert.equal(await t.store.accounts.setContact(unknown, 'email', { value: 'x@example.com', verifiedAt: at }, at), undefined);
    assert.equal(await t.store.accounts.setContact(unknown, 'mobile', null, at), undefined);
    assert.equal(await t.store.accounts.setName(unknown, 'Nobody', at), undefined);
    assert.equal(await t.store.accounts.setSessionsValidFrom(unknown, Math.floor(t.clock / 1000), at), undefined);
    assert.equal(await t.store.accounts.findById(unknown), undefined);
  });

  it('keeps every one of concurrent updates to different fields of one account', async () => {
    for (let round = 0; round < 3; round += 1) {
      const created = await t.store.accounts.create({ ...alice, email: `race-${round}@example.com` });
      const email = { value: 'alice.home@example.net', verifiedAt: new Date(t.clock) };
      const mobile = { value: '+819012345678', verifiedAt: new Date(t.clock) };
      const at = new Date(t.clock + 1000);
      const results = await Promise.all([
        t.store.accounts.setName(created.id, 'Renamed', at),
        t.store.accounts.setContact(created.id, 'email', email, at),
        t.store.accounts.setContact(created.id, 'mobile', mobile, at),
        t.store.accounts.setSignInMode(created.id, { passwordHash: null, alwaysPasskey: true }, at, false),
      ]);
      assert.ok(results.every((result) => result !== undefined), `round ${round}: every update applied`);
      assert.deepEqual(await t.store.accounts.findById(created.id), {
        ...created,
        name: 'Renamed',
        contactEmail: email,
        contactMobile: mobile,
        passwordHash: null,
        alwaysPasskey: true,
        updatedAt: at,
      }, `round ${round}: no update was lost`);
    }
  });

  it('disables and enables an account only when that changes it: one winner of concurrent disables, everything else kept', async () => {
    const created = await t.store.accounts.create(alice);
    const results = valuesOf(await race(6, (i) => t.store.accounts.setDisabled(created.id, { at: new Date(t.clock + i), by: `operator:op-${i}`, reason: `note ${i}` }, new Date(t.clock + 1000 + i))));
    const winners = results.filter((result) => result !== undefined);
    assert.equal(winners.length, 1, 'the disable (and its revocation and audit) happens once');
    const winner = winners[0];
    assert.ok(winner?.disabled);
    assert.match(winner.disabled.by, /^operator:op-\d$/);
    assert.deepEqual(winner, { ...created, disabled: winner.disabled, updatedAt: winner.updatedAt });
    assert.deepEqual(await t.store.accounts.findById(created.id), winner);
    assert.equal(await t.store.accounts.setDisabled(created.id, { at: new Date(t.clock), by: 'operator:late', reason: '' }, new Date(t.clock + 5000)), undefined, 'disabled already');
    // A contact change meanwhile keeps the account disabled.
    const contact = { value: 'alice.home@example.net', verifiedAt: new Date(t.clock) };
    assert.deepEqual((await t.store.accounts.setContact(created.id, 'email', contact, new Date(t.clock + 6000)))?.disabled, winner.disabled);
    const enabled = await t.store.accounts.setDisabled(created.id, null, new Date(t.clock + 7000));
    assert.deepEqual(enabled, { ...created, contactEmail: contact, disabled: null, updatedAt: new Date(t.clock + 7000) });
    assert.equal(await t.store.accounts.setDisabled(created.id, null, new Date(t.clock + 8000)), undefined, 'enabled already');
    assert.deepEqual(await t.store.accounts.findById(created.id), enabled);
    assert.equal(await t.store.accounts.setDisabled('00000000-0000-4000-8000-000000000000', { at: new Date(t.clock), by: 'operator:x', reason: '' }, new Date(t.clock)), undefined);
  });

  it('lets exactly one of 10 concurrent switches expecting the mode off win', async () => {
    for (let round = 0; round < 5; round += 1) {
      const created = await t.store.accounts.create({ ...alice, email: `race-${round}@example.com`, passwordHash: 'old-hash' });
      const results = valuesOf(await race(10, (i) => (i % 2
        ? t.store.accounts.setSignInMode(created.id, { passwordHash: null, alwaysPasskey: true }, new Date(t.clock + i), false)
        // A password reset racing the switch: it, too, only applies while the mode is off.
        : t.store.accounts.setSignInMode(created.id, { passwordHash: `reset-${i}`, alwaysPasskey: false }, new Date(t.clock + i), false))));
      const switched = results.filter((result) => result?.alwaysPasskey === true);
      assert.equal(switched.length, 1, `round ${round}: ${switched.length} switches won`);
      const stored = await t.store.accounts.findById(created.id);
      assert.deepEqual(stored, switched[0], `round ${round}: the switch stands`);
      assert.equal(stored?.passwordHash, null, 'no reset was applied after the switch');
    }
  });
});

describe('store contract (mongo only): accounts', () => {
  it('reads accounts stored before always-passkey, contacts and sessionsValidFrom as off and empty, and updates them', async () => {
    const clock = Date.now();
    const uri = await mongoTestUri(uniqueDbName('tobira_legacy'));
    const raw = await mongoose.createConnection(uri).asPromise();
    const legacy = await createMongoStore(uri);
    try {
      await legacy.init();
      const at = new Date(clock);
      const old = { email: 'old@example.com', emailVerified: true, name: 'Old', passwordHash: 'old-hash', webauthnUserId: 'handle', createdAt: at, updatedAt: at };
      await raw.collection('accounts').insertOne({ _id: 'legacy-1', ...old } as unknown as mongoose.mongo.OptionalId<mongoose.mongo.Document>);
      const expected = { id: 'legacy-1', ...old, alwaysPasskey: false, contactEmail: null, contactMobile: null, sessionsValidFrom: null, disabled: null };
      assert.deepEqual(await legacy.accounts.findById('legacy-1'), expected);
      assert.deepEqual(await legacy.accounts.findByEmail('old@example.com'), expected);

      const results = valuesOf(await race(10, (i) => legacy.accounts.setSignInMode('legacy-1', { passwordHash: null, alwaysPasskey: true }, new Date(clock + i), false)));
      assert.equal(results.filter((result) => result !== undefined).length, 1, 'a document without a revision is claimed once too');
      const contact = { value: '+819012345678', verifiedAt: at };
      const updated = await legacy.accounts.setContact('legacy-1', 'mobile', contact, at);
      assert.deepEqual(updated, { ...expected, passwordHash: null, alwaysPasskey: true, contactMobile: contact });
      assert.deepEqual(await legacy.accounts.findById('legacy-1'), updated);
      const voided = await legacy.accounts.setSessionsValidFrom('legacy-1', Math.floor(clock / 1000), new Date(clock + 1000));
      assert.deepEqual(voided, { ...updated, sessionsValidFrom: Math.floor(clock / 1000), updatedAt: new Date(clock + 1000) });
      assert.deepEqual(await legacy.accounts.findById('legacy-1'), voided);
    } finally {
      await Promise.all([legacy.close(), raw.close()]);
    }
  });

  it('serialises account updates across two connections', async () => {
    await withTwoConnections(async (a, b) => {
      for (let round = 0; round < 3; round += 1) {
        const account = await a.accounts.create({ email: `race-${round}@example.com`, emailVerified: true, name: '', passwordHash: 'h' });
        const at = new Date();
        const contact = { value: 'contact@example.net', verifiedAt: at };
        const updates = await Promise.all([
          a.accounts.setName(account.id, 'A', at),
          b.accounts.setContact(account.id, 'email', contact, at),
          a.accounts.setContact(account.id, 'mobile', { ...contact, value: '+819012345678' }, at),
          b.accounts.setSignInMode(account.id, { passwordHash: null, alwaysPasskey: true }, at, false),
        ]);
        assert.ok(updates.every((result) => result !== undefined));
        const stored = await b.accounts.findById(account.id);
        assert.deepEqual([stored?.name, stored?.contactEmail?.value, stored?.contactMobile?.value, stored?.alwaysPasskey], ['A', 'contact@example.net', '+819012345678', true], `round ${round}: no update lost`);
      }
    });
  });
});
