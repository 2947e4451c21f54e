// One behavioural contract, held against every store adapter. Services and the oidc-provider glue
// rely on exactly these guarantees, so an adapter that passes here can be swapped in.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { AlreadyConsumedError, DuplicateKeyError, StoreUnavailableError } from '../../src/store/errors.ts';
import { openStore } from '../../src/store/index.ts';
import { createMongoStore } from '../../src/store/mongo/index.ts';
import mongoose from 'mongoose';
import type {
  AdapterPayload,
  Approval,
  ApprovalDecision,
  Device,
  EnrolmentTicket,
  NewAuditEvent,
  OneTimeCode,
  Passkey,
  PushSubscriptionRecord,
  RecoveryRequest,
  RecoveryTransition,
  Store,
  StoredChallenge,
  TrustedBrowser,
} from '../../src/store/types.ts';
import { mongoTestUri, uniqueDbName } from '../support/mongo.ts';
import { STORE_KINDS, freshStore } from '../support/stores.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Exercises what FerretDB cannot store verbatim: dotted and '$' keys, nested arrays. */
function awkwardPayload(): AdapterPayload {
  return {
    accountId: 'acc-1',
    uid: 'uid-1',
    grantId: 'grant-1',
    authorizations: {
      'app.example.com': { sid: 'sid-1', grantId: 'grant-1', persistsLogout: true },
      'https://rp.example.org/cb': { sid: 'sid-2' },
    },
    extra: {
      '$dollar': 'leading dollar',
      'a$b': 1,
      '100%': 'percent',
      '%2E': 'looks escaped already',
      'ユーザー': 'unicode',
      '': 'empty key',
      nested: [[1, 2], [[3]], [], { inner: [['x']] }],
      nullish: null,
      number: 1.5,
      flag: false,
    },
    amr: ['webauthn', 'hwk'],
    exp: 1_900_000_000,
  };
}

/** Bytes shaped like nothing in particular: every byte value 0x00..0xff occurs. */
function coseKeyBytes(): Uint8Array {
  return Uint8Array.from({ length: 300 }, (_, i) => (0xa5 + i * 7) % 256);
}

/** Exactly a Uint8Array (no Buffer, no BSON Binary: @simplewebauthn/server rejects those) with these bytes. */
function assertPlainBytes(actual: Uint8Array, expected: Uint8Array): void {
  assert.equal(Object.getPrototypeOf(actual), Uint8Array.prototype, `got a ${actual?.constructor?.name}`);
  assert.deepEqual(actual, expected);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every property name an object offers, own or inherited (short of Object.prototype), sorted. */
function methodNames(object: object): string[] {
  const names = new Set<string>();
  for (let current: object | null = object; current && current !== Object.prototype; current = Object.getPrototypeOf(current) as object | null) {
    for (const name of Object.getOwnPropertyNames(current)) if (name !== 'constructor') names.add(name);
  }
  return [...names].sort();
}

async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function assertRejectsWith(promise: Promise<unknown>, type: new (...args: never[]) => Error): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    return true;
  });
}

for (const kind of STORE_KINDS) {
  describe(`store contract (${kind})`, () => {
    let store: Store;
    /** The store's clock, in epoch ms; tests move it instead of waiting. */
    let clock: number;

    beforeEach(async () => {
      clock = Date.now();
      store = await freshStore(kind, { now: () => clock });
    });

    afterEach(async () => {
      await store.close();
    });

    it(`reports kind '${kind}' and answers ping`, async () => {
      assert.equal(store.kind, kind);
      await store.ping();
    });

    describe('oidc models', () => {
      it('returns an equal copy of what was upserted, however its keys look', async () => {
        const payload = awkwardPayload();
        await store.oidc('Session').upsert('s1', payload, 600);
        assert.deepEqual(await store.oidc('Session').find('s1'), awkwardPayload());
      });

      it('is not changed by mutating the upserted or the returned object', async () => {
        const payload = awkwardPayload();
        await store.oidc('Session').upsert('s1', payload);
        payload.accountId = 'mutated input';
        const found = await store.oidc('Session').find('s1');
        assert.ok(found);
        found.accountId = 'mutated output';
        (found.amr as string[]).push('pwd');
        assert.deepEqual(await store.oidc('Session').find('s1'), awkwardPayload());
      });

      it('resolves undefined for an unknown id', async () => {
        assert.equal(await store.oidc('Session').find('nope'), undefined);
        assert.equal(await store.oidc('Session').findByUid('nope'), undefined);
        assert.equal(await store.oidc('DeviceCode').findByUserCode('nope'), undefined);
      });

      it('replaces the whole payload on upsert', async () => {
        const model = store.oidc('Grant');
        await model.upsert('g1', { accountId: 'a', clientId: 'c', openid: { scope: 'openid email' } });
        await model.upsert('g1', { accountId: 'a', clientId: 'c' });
        assert.deepEqual(await model.find('g1'), { accountId: 'a', clientId: 'c' });
      });

      it('keeps models apart and hands out one instance per model name', async () => {
        assert.equal(store.oidc('AccessToken'), store.oidc('AccessToken'));
        await store.oidc('AccessToken').upsert('same-id', { kind: 'AccessToken' });
        await store.oidc('RefreshToken').upsert('same-id', { kind: 'RefreshToken' });
        assert.deepEqual(await store.oidc('AccessToken').find('same-id'), { kind: 'AccessToken' });
        assert.deepEqual(await store.oidc('RefreshToken').find('same-id'), { kind: 'RefreshToken' });
      });

      it('finds sessions by uid, following a change of uid', async () => {
        const sessions = store.oidc('Session');
        await sessions.upsert('s1', { uid: 'u1', accountId: 'a1' }, 600);
        await sessions.upsert('s2', { uid: 'u2', accountId: 'a2' }, 600);
        assert.deepEqual(await sessions.findByUid('u1'), { uid: 'u1', accountId: 'a1' });
        await sessions.upsert('s1', { uid: 'u3', accountId: 'a1' }, 600);
        assert.equal(await sessions.findByUid('u1'), undefined);
        assert.deepEqual(await sessions.findByUid('u3'), { uid: 'u3', accountId: 'a1' });
        assert.deepEqual(await sessions.findByUid('u2'), { uid: 'u2', accountId: 'a2' });
      });

      it('finds device codes by user code', async () => {
        const codes = store.oidc('DeviceCode');
        await codes.upsert('d1', { userCode: 'BCDF-GHJK', clientId: 'tv', grantId: 'g' }, 600);
        assert.deepEqual(await codes.findByUserCode('BCDF-GHJK'), { userCode: 'BCDF-GHJK', clientId: 'tv', grantId: 'g' });
        assert.equal(await codes.findByUserCode('BCDF-GHJX'), undefined);
      });

      it('refuses a second live session with the same uid, but not one whose holder expired', async () => {
        const sessions = store.oidc('Session');
        await sessions.upsert('s1', { uid: 'shared', accountId: 'a1' }, 60);
        await assertRejectsWith(sessions.upsert('s2', { uid: 'shared', accountId: 'a2' }, 60), DuplicateKeyError);
        assert.deepEqual(await sessions.findByUid('shared'), { uid: 'shared', accountId: 'a1' });

        clock += 60_000;
        await sessions.upsert('s2', { uid: 'shared', accountId: 'a2' }, 60);
        assert.deepEqual(await sessions.findByUid('shared'), { uid: 'shared', accountId: 'a2' });
      });

      it('never returns an expired record, and sweepExpired deletes exactly the expired ones', async () => {
        await store.oidc('Session').upsert('s1', { uid: 'u1' }, 60);
        await store.oidc('DeviceCode').upsert('d1', { userCode: 'UC-1' }, 60);
        await store.oidc('Grant').upsert('g1', { accountId: 'a' });
        await store.oidc('AccessToken').upsert('at1', { grantId: 'g1' }, 120);

        clock += 59_999;
        assert.ok(await store.oidc('Session').find('s1'));
        assert.ok(await store.oidc('Session').findByUid('u1'));
        assert.ok(await store.oidc('DeviceCode').findByUserCode('UC-1'));

        clock += 1;
        assert.equal(await store.oidc('Session').find('s1'), undefined);
        assert.equal(await store.oidc('Session').findByUid('u1'), undefined);
        assert.equal(await store.oidc('DeviceCode').find('d1'), undefined);
        assert.equal(await store.oidc('DeviceCode').findByUserCode('UC-1'), undefined);
        assert.ok(await store.oidc('Grant').find('g1'));
        assert.ok(await store.oidc('AccessToken').find('at1'));

        assert.equal(await store.sweepExpired(), 2);
        assert.equal(await store.sweepExpired(), 0);
        // Turning the clock back shows whether they were really deleted or merely hidden.
        clock -= 30_000;
        assert.equal(await store.oidc('Session').find('s1'), undefined);
        assert.equal(await store.oidc('DeviceCode').findByUserCode('UC-1'), undefined);
        assert.ok(await store.oidc('Grant').find('g1'));
        assert.ok(await store.oidc('AccessToken').find('at1'));
      });

      it('expires records by the real clock too', async function () {
        this.timeout(10_000);
        const real = await freshStore(kind);
        try {
          await real.oidc('Session').upsert('s1', { uid: 'u1' }, 1);
          await real.oidc('Session').upsert('s2', { uid: 'u2' }, 30);
          assert.ok(await real.oidc('Session').find('s1'));
          await sleep(1200);
          assert.equal(await real.oidc('Session').find('s1'), undefined);
          assert.equal(await real.oidc('Session').findByUid('u1'), undefined);
          assert.ok(await real.oidc('Session').findByUid('u2'));
          // A TTL monitor (real MongoDB) may have removed it already; FerretDB relies on the sweep.
          assert.ok(await real.sweepExpired() <= 1);
          assert.equal(await real.sweepExpired(), 0);
        } finally {
          await real.close();
        }
      });

      it('consume stamps payload.consumed in epoch seconds, once', async () => {
        const codes = store.oidc('AuthorizationCode');
        await codes.upsert('c1', { grantId: 'g1', clientId: 'rp', scope: 'openid' }, 60);
        await codes.consume('c1');
        assert.deepEqual(await codes.find('c1'), { grantId: 'g1', clientId: 'rp', scope: 'openid', consumed: Math.floor(clock / 1000) });
        await assertRejectsWith(codes.consume('c1'), AlreadyConsumedError);
      });

      it('lets exactly one of 10 concurrent consumes win', async () => {
        const codes = store.oidc('AuthorizationCode');
        for (let round = 0; round < 5; round += 1) {
          const id = `race-${round}`;
          await codes.upsert(id, { grantId: 'g1' }, 60);
          const results = await Promise.allSettled(Array.from({ length: 10 }, () => codes.consume(id)));
          const won = results.filter((result) => result.status === 'fulfilled');
          const lost = results.filter((result) => result.status === 'rejected');
          assert.equal(won.length, 1, `round ${round}: ${won.length} consumes succeeded`);
          assert.equal(lost.length, 9);
          for (const result of lost) assert.ok(result.reason instanceof AlreadyConsumedError, String(result.reason));
          assert.equal(typeof (await codes.find(id))?.consumed, 'number');
        }
      });

      it('refuses to consume unknown and expired records', async () => {
        const codes = store.oidc('AuthorizationCode');
        await assertRejectsWith(codes.consume('unknown'), AlreadyConsumedError);
        await codes.upsert('c1', { grantId: 'g1' }, 60);
        clock += 60_000;
        await assertRejectsWith(codes.consume('c1'), AlreadyConsumedError);
        clock -= 60_000;
        assert.equal((await codes.find('c1'))?.consumed, undefined);
      });

      it('treats a record upserted again without consumed as consumable', async () => {
        const codes = store.oidc('DeviceCode');
        await codes.upsert('d1', { userCode: 'UC', grantId: 'g' }, 60);
        await codes.consume('d1');
        await codes.upsert('d1', { userCode: 'UC', grantId: 'g' }, 60);
        await codes.consume('d1');
        await assertRejectsWith(codes.consume('d1'), AlreadyConsumedError);
      });

      it('destroys one record and its lookups', async () => {
        const sessions = store.oidc('Session');
        await sessions.upsert('s1', { uid: 'u1' }, 60);
        await sessions.upsert('s2', { uid: 'u2' }, 60);
        await sessions.destroy('s1');
        await sessions.destroy('never-existed');
        assert.equal(await sessions.find('s1'), undefined);
        assert.equal(await sessions.findByUid('u1'), undefined);
        assert.deepEqual(await sessions.find('s2'), { uid: 'u2' });
        await sessions.upsert('s3', { uid: 'u1' }, 60);
        assert.deepEqual(await sessions.findByUid('u1'), { uid: 'u1' });
      });

      it("revokeByGrantId removes that grant's records of that model only", async () => {
        const accessTokens = store.oidc('AccessToken');
        const refreshTokens = store.oidc('RefreshToken');
        await accessTokens.upsert('at1', { grantId: 'g1' }, 60);
        await accessTokens.upsert('at2', { grantId: 'g1' });
        await accessTokens.upsert('at3', { grantId: 'g2' }, 60);
        await accessTokens.upsert('at4', { accountId: 'no grant' }, 60);
        await refreshTokens.upsert('rt1', { grantId: 'g1' }, 60);

        await accessTokens.revokeByGrantId('g1');
        await accessTokens.revokeByGrantId('unknown-grant');

        assert.equal(await accessTokens.find('at1'), undefined);
        assert.equal(await accessTokens.find('at2'), undefined);
        assert.deepEqual(await accessTokens.find('at3'), { grantId: 'g2' });
        assert.deepEqual(await accessTokens.find('at4'), { accountId: 'no grant' });
        assert.deepEqual(await refreshTokens.find('rt1'), { grantId: 'g1' });
      });

      it("listByAccountId lists that account's live records of that model only, with their ids", async () => {
        const grants = store.oidc('Grant');
        const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
        await grants.upsert('g1', { accountId: 'acc-1', clientId: 'rp-1' }, 600);
        await grants.upsert('g2', { accountId: 'acc-1', clientId: 'rp-2' });
        await grants.upsert('g-short', { accountId: 'acc-1', clientId: 'rp-3' }, 60);
        await grants.upsert('g-other', { accountId: 'acc-2', clientId: 'rp-1' }, 600);
        await grants.upsert('g-none', { clientId: 'rp-1' }, 600);
        await store.oidc('Session').upsert('s1', awkwardPayload(), 600);
        await store.oidc('RefreshToken').upsert('rt1', { accountId: 'acc-1', grantId: 'g1' }, 600);

        assert.deepEqual((await grants.listByAccountId('acc-1')).sort(byId), [
          { id: 'g-short', payload: { accountId: 'acc-1', clientId: 'rp-3' } },
          { id: 'g1', payload: { accountId: 'acc-1', clientId: 'rp-1' } },
          { id: 'g2', payload: { accountId: 'acc-1', clientId: 'rp-2' } },
        ]);
        assert.deepEqual(await store.oidc('Session').listByAccountId('acc-1'), [{ id: 's1', payload: awkwardPayload() }], 'payloads decoded');
        assert.deepEqual(await grants.listByAccountId('acc-2'), [{ id: 'g-other', payload: { accountId: 'acc-2', clientId: 'rp-1' } }]);
        assert.deepEqual(await grants.listByAccountId('nobody'), []);

        clock += 60_000;
        assert.deepEqual((await grants.listByAccountId('acc-1')).map(({ id }) => id).sort(), ['g1', 'g2'], 'the expired grant is hidden');

        const [listed] = await grants.listByAccountId('acc-2');
        assert.ok(listed);
        listed.payload.clientId = 'mutated';
        assert.deepEqual(await grants.find('g-other'), { accountId: 'acc-2', clientId: 'rp-1' });
      });
    });

    describe('accounts', () => {
      const alice = { email: 'alice@example.com', emailVerified: true, name: 'Alice', passwordHash: null };

      it('creates accounts with fresh ids and finds them by id and e-mail', async () => {
        const created = await store.accounts.create(alice);
        const other = await store.accounts.create({ ...alice, email: 'bob@example.com', name: '', passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA' });
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
          createdAt: new Date(clock),
          updatedAt: new Date(clock),
        });
        assert.deepEqual(await store.accounts.findById(created.id), created);
        assert.deepEqual(await store.accounts.findByEmail('alice@example.com'), created);
        assert.deepEqual(await store.accounts.findByEmail('bob@example.com'), other);
        assert.equal(await store.accounts.findById('00000000-0000-4000-8000-000000000000'), undefined);
        assert.equal(await store.accounts.findByEmail('carol@example.com'), undefined);
      });

      it('gives every account its own random WebAuthn user handle: 32 bytes, base64url', async () => {
        const accounts = [];
        for (let i = 0; i < 5; i += 1) accounts.push(await store.accounts.create({ ...alice, email: `user${i}@example.com` }));
        const handles = accounts.map((account) => account.webauthnUserId);
        for (const handle of handles) {
          assert.match(handle, /^[A-Za-z0-9_-]{43}$/);
          assert.equal(Buffer.from(handle, 'base64url').length, 32);
        }
        assert.equal(new Set(handles).size, handles.length);
        for (const account of accounts) {
          assert.notEqual(account.webauthnUserId, Buffer.from(account.id).toString('base64url'));
          assert.deepEqual(await store.accounts.findById(account.id), account);
        }
      });

      it('keeps the WebAuthn user handle a passkey was registered with before the account existed', async () => {
        const handle = Buffer.alloc(32, 7).toString('base64url');
        const created = await store.accounts.create({ ...alice, email: 'early-passkey@example.com', webauthnUserId: handle });
        assert.equal(created.webauthnUserId, handle);
        assert.equal((await store.accounts.findById(created.id))?.webauthnUserId, handle);
      });

      it('refuses a duplicate e-mail and leaves the first account as it was', async () => {
        const first = await store.accounts.create(alice);
        await assert.rejects(
          store.accounts.create({ ...alice, name: 'Impostor', emailVerified: false }),
          (err: unknown) => err instanceof DuplicateKeyError && err.field === 'email',
        );
        assert.deepEqual(await store.accounts.findByEmail(alice.email), first);
      });

      it('sets the sign-in mode, and with an expectation only while the flag has that value', async () => {
        const hash = '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA';
        const created = await store.accounts.create({ ...alice, passwordHash: hash });
        const on = await store.accounts.setSignInMode(created.id, { passwordHash: null, alwaysPasskey: true }, new Date(clock + 1000), false);
        const expectedOn = { ...created, passwordHash: null, alwaysPasskey: true, updatedAt: new Date(clock + 1000) };
        assert.deepEqual(on, expectedOn);
        assert.deepEqual(await store.accounts.findById(created.id), expectedOn);

        // A password reset that still believes the mode is off must not undo the switch.
        assert.equal(await store.accounts.setSignInMode(created.id, { passwordHash: 'reset', alwaysPasskey: false }, new Date(clock + 2000), false), undefined);
        assert.deepEqual(await store.accounts.findById(created.id), expectedOn, 'a failed expectation changes nothing');

        const off = await store.accounts.setSignInMode(created.id, { passwordHash: 'new-hash', alwaysPasskey: false }, new Date(clock + 3000), true);
        const expectedOff = { ...created, passwordHash: 'new-hash', alwaysPasskey: false, updatedAt: new Date(clock + 3000) };
        assert.deepEqual(off, expectedOff);
        assert.deepEqual(await store.accounts.findById(created.id), expectedOff);

        // Without an expectation the mode is written whatever it was.
        const plain = await store.accounts.setSignInMode(created.id, { passwordHash: 'newer-hash', alwaysPasskey: false }, new Date(clock + 4000));
        assert.deepEqual(plain, { ...expectedOff, passwordHash: 'newer-hash', updatedAt: new Date(clock + 4000) });
        assert.deepEqual(await store.accounts.findByEmail(alice.email), plain);
      });

      it('sets and removes each contact, and sets the name, keeping everything else', async () => {
        const created = await store.accounts.create(alice);
        const email = { value: 'alice.home@example.net', verifiedAt: new Date(clock + 1000) };
        const mobile = { value: '+819012345678', verifiedAt: new Date(clock + 2000) };

        const withEmail = await store.accounts.setContact(created.id, 'email', email, new Date(clock + 1000));
        assert.deepEqual(withEmail, { ...created, contactEmail: email, updatedAt: new Date(clock + 1000) });
        const withBoth = await store.accounts.setContact(created.id, 'mobile', mobile, new Date(clock + 2000));
        assert.deepEqual(withBoth, { ...created, contactEmail: email, contactMobile: mobile, updatedAt: new Date(clock + 2000) });
        assert.deepEqual(await store.accounts.findById(created.id), withBoth);

        const renamed = await store.accounts.setName(created.id, 'アリス', new Date(clock + 3000));
        assert.deepEqual(renamed, { ...withBoth, name: 'アリス', updatedAt: new Date(clock + 3000) });
        const unnamed = await store.accounts.setName(created.id, '', new Date(clock + 4000));
        assert.deepEqual(unnamed, { ...withBoth, name: '', updatedAt: new Date(clock + 4000) }, 'an empty name is valid');

        const withoutEmail = await store.accounts.setContact(created.id, 'email', null, new Date(clock + 5000));
        assert.deepEqual(withoutEmail, { ...withBoth, name: '', contactEmail: null, updatedAt: new Date(clock + 5000) });
        const withoutBoth = await store.accounts.setContact(created.id, 'mobile', null, new Date(clock + 6000));
        assert.deepEqual(withoutBoth, { ...created, name: '', updatedAt: new Date(clock + 6000) });
        assert.deepEqual(await store.accounts.findById(created.id), withoutBoth);
      });

      it('is not changed by mutating the given contact or a returned account', async () => {
        const created = await store.accounts.create(alice);
        const email = { value: 'alice.home@example.net', verifiedAt: new Date(clock) };
        const returned = await store.accounts.setContact(created.id, 'email', email, new Date(clock));
        email.value = 'mutated input';
        email.verifiedAt.setTime(0);
        assert.ok(returned?.contactEmail);
        returned.contactEmail.value = 'mutated output';
        returned.contactEmail.verifiedAt.setTime(0);
        const expected = { ...created, contactEmail: { value: 'alice.home@example.net', verifiedAt: new Date(clock) } };
        assert.deepEqual(await store.accounts.findById(created.id), expected);
      });

      it('moves the start of valid sessions forward only, keeping everything else', async () => {
        const created = await store.accounts.create(alice);
        const seconds = Math.floor(clock / 1000);
        const set = await store.accounts.setSessionsValidFrom(created.id, seconds, new Date(clock + 1000));
        const expected = { ...created, sessionsValidFrom: seconds, updatedAt: new Date(clock + 1000) };
        assert.deepEqual(set, expected);
        assert.deepEqual(await store.accounts.findById(created.id), expected);

        // An earlier or the same value changes nothing (not even updatedAt), and reads back as stored.
        assert.deepEqual(await store.accounts.setSessionsValidFrom(created.id, seconds - 60, new Date(clock + 2000)), expected);
        assert.deepEqual(await store.accounts.setSessionsValidFrom(created.id, seconds, new Date(clock + 2000)), expected);
        assert.deepEqual(await store.accounts.findById(created.id), expected, 'never lowered');

        const later = await store.accounts.setSessionsValidFrom(created.id, seconds + 5, new Date(clock + 3000));
        assert.deepEqual(later, { ...expected, sessionsValidFrom: seconds + 5, updatedAt: new Date(clock + 3000) });
        // Other updates keep it.
        const renamed = await store.accounts.setName(created.id, 'Renamed', new Date(clock + 4000));
        assert.equal(renamed?.sessionsValidFrom, seconds + 5);
        assert.deepEqual(await store.accounts.findById(created.id), renamed);
      });

      it('keeps the latest of concurrent moves of the start of valid sessions', async () => {
        const created = await store.accounts.create(alice);
        const seconds = Math.floor(clock / 1000);
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.accounts.setSessionsValidFrom(created.id, seconds + ((i * 5) % 8), new Date(clock + i))));
        assert.ok(results.every((result) => result !== undefined && result.sessionsValidFrom !== null && result.sessionsValidFrom >= seconds));
        assert.equal((await store.accounts.findById(created.id))?.sessionsValidFrom, seconds + 7);
      });

      it('answers undefined for an unknown account, and creates none', async () => {
        const unknown = '00000000-0000-4000-8000-000000000000';
        const at = new Date(clock);
        assert.equal(await store.accounts.setSignInMode(unknown, { passwordHash: null, alwaysPasskey: true }, at), undefined);
        assert.equal(await store.accounts.setSignInMode(unknown, { passwordHash: null, alwaysPasskey: true }, at, false), undefined);
        assert.equal(await store.accounts.setContact(unknown, 'email', { value: 'x@example.com', verifiedAt: at }, at), undefined);
        assert.equal(await store.accounts.setContact(unknown, 'mobile', null, at), undefined);
        assert.equal(await store.accounts.setName(unknown, 'Nobody', at), undefined);
        assert.equal(await store.accounts.setSessionsValidFrom(unknown, Math.floor(clock / 1000), at), undefined);
        assert.equal(await store.accounts.findById(unknown), undefined);
      });

      it('keeps every one of concurrent updates to different fields of one account', async () => {
        for (let round = 0; round < 3; round += 1) {
          const created = await store.accounts.create({ ...alice, email: `race-${round}@example.com` });
          const email = { value: 'alice.home@example.net', verifiedAt: new Date(clock) };
          const mobile = { value: '+819012345678', verifiedAt: new Date(clock) };
          const at = new Date(clock + 1000);
          const results = await Promise.all([
            store.accounts.setName(created.id, 'Renamed', at),
            store.accounts.setContact(created.id, 'email', email, at),
            store.accounts.setContact(created.id, 'mobile', mobile, at),
            store.accounts.setSignInMode(created.id, { passwordHash: null, alwaysPasskey: true }, at, false),
          ]);
          assert.ok(results.every((result) => result !== undefined), `round ${round}: every update applied`);
          assert.deepEqual(await store.accounts.findById(created.id), {
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

      it('lets exactly one of 10 concurrent switches expecting the mode off win', async () => {
        for (let round = 0; round < 5; round += 1) {
          const created = await store.accounts.create({ ...alice, email: `race-${round}@example.com`, passwordHash: 'old-hash' });
          const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2
            ? store.accounts.setSignInMode(created.id, { passwordHash: null, alwaysPasskey: true }, new Date(clock + i), false)
            // A password reset racing the switch: it, too, only applies while the mode is off.
            : store.accounts.setSignInMode(created.id, { passwordHash: `reset-${i}`, alwaysPasskey: false }, new Date(clock + i), false))));
          const switched = results.filter((result) => result?.alwaysPasskey === true);
          assert.equal(switched.length, 1, `round ${round}: ${switched.length} switches won`);
          const stored = await store.accounts.findById(created.id);
          assert.deepEqual(stored, switched[0], `round ${round}: the switch stands`);
          assert.equal(stored?.passwordHash, null, 'no reset was applied after the switch');
        }
      });
    });

    describe('secrets', () => {
      it('returns undefined for an unknown name', async () => {
        assert.equal(await store.secrets.get('nope'), undefined);
      });

      it('keeps the first value written, also under concurrent getOrInsert', async () => {
        const candidates = Array.from({ length: 5 }, (_, i) => ({ keys: [{ kid: `key.${i}`, k: `secret-${i}` }], 'cookie.keys': [`c${i}`] }));
        const results = await Promise.all(candidates.map((candidate) => store.secrets.getOrInsert('jwks', candidate)));
        const [winner] = results;
        assert.ok(candidates.some((candidate) => JSON.stringify(candidate) === JSON.stringify(winner)), 'the stored value is one of the candidates');
        for (const result of results) assert.deepEqual(result, winner);
        assert.deepEqual(await store.secrets.get('jwks'), winner);
        assert.deepEqual(await store.secrets.getOrInsert('jwks', { keys: [] }), winner);
      });

      it('is not changed by mutating a returned value', async () => {
        const value = await store.secrets.getOrInsert('cookie-keys', ['a', 'b']);
        value.push('c');
        assert.deepEqual(await store.secrets.get('cookie-keys'), ['a', 'b']);
      });
    });

    describe('consents', () => {
      it('remembers until forgotten', async () => {
        assert.equal(await store.consents.isRemembered('g1'), false);
        await store.consents.remember('g1', null);
        assert.equal(await store.consents.isRemembered('g1'), true);
        assert.equal(await store.consents.isRemembered('g2'), false);
        await store.consents.forget('g1');
        await store.consents.forget('never-remembered');
        assert.equal(await store.consents.isRemembered('g1'), false);
      });

      it('stops remembering at expiresAt, and sweepExpired removes it', async () => {
        await store.consents.remember('g1', new Date(clock + 60_000));
        await store.consents.remember('g2', null);
        clock += 59_999;
        assert.equal(await store.consents.isRemembered('g1'), true);
        clock += 1;
        assert.equal(await store.consents.isRemembered('g1'), false);
        assert.equal(await store.consents.isRemembered('g2'), true);
        assert.equal(await store.sweepExpired(), 1);
        clock -= 30_000;
        assert.equal(await store.consents.isRemembered('g1'), false);
      });

      it('replaces the expiry when remembered again', async () => {
        await store.consents.remember('g1', new Date(clock + 1000));
        await store.consents.remember('g1', null);
        clock += 10_000;
        assert.equal(await store.consents.isRemembered('g1'), true);
      });
    });

    describe('passkeys', () => {
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
        createdAt: new Date(clock),
        lastUsedAt: null,
        ...overrides,
      });

      it('adds, finds and lists passkeys oldest first, handing the public key back as a plain Uint8Array', async () => {
        const newer = passkey('acc-1', 'cred-newer', { createdAt: new Date(clock + 1000), name: 'Phone' });
        const older = passkey('acc-1', 'cred-older', { createdAt: new Date(clock - 1000), transports: [] });
        // A Buffer handed in must come back as a Uint8Array too.
        const buffered = passkey('acc-2', 'cred-buffer', { publicKey: Buffer.from(coseKeyBytes()) });
        await store.passkeys.add(newer);
        await store.passkeys.add(older);
        await store.passkeys.add(buffered);

        const found = await store.passkeys.findByCredentialId('cred-newer');
        assert.ok(found);
        assert.deepEqual(found, newer);
        assertPlainBytes(found.publicKey, coseKeyBytes());
        const foundBuffered = await store.passkeys.findByCredentialId('cred-buffer');
        assert.ok(foundBuffered);
        assertPlainBytes(foundBuffered.publicKey, coseKeyBytes());

        const listed = await store.passkeys.listByAccount('acc-1');
        assert.deepEqual(listed.map((p) => p.credentialId), ['cred-older', 'cred-newer']);
        assert.deepEqual(listed, [older, newer]);
        for (const p of listed) assertPlainBytes(p.publicKey, coseKeyBytes());
        assert.deepEqual((await store.passkeys.listByAccount('acc-2')).map((p) => p.credentialId), ['cred-buffer']);
        assert.deepEqual(await store.passkeys.listByAccount('nobody'), []);
        assert.equal(await store.passkeys.findByCredentialId('unknown'), undefined);
      });

      it('is not changed by mutating the added or the returned passkey', async () => {
        const input = passkey('acc-1', 'cred-1');
        await store.passkeys.add(input);
        input.publicKey[0] = 0x00;
        input.transports.push('usb');
        input.name = 'mutated input';
        const found = await store.passkeys.findByCredentialId('cred-1');
        assert.ok(found);
        found.publicKey[1] = 0x00;
        found.transports.push('nfc');
        found.createdAt.setTime(0);
        assert.deepEqual(await store.passkeys.findByCredentialId('cred-1'), passkey('acc-1', 'cred-1'));
      });

      it('refuses a credential ID registered before, even to another account, and keeps the first', async () => {
        const first = passkey('acc-1', 'cred-1');
        await store.passkeys.add(first);
        await assert.rejects(
          store.passkeys.add(passkey('acc-2', 'cred-1', { publicKey: Uint8Array.from([1, 2, 3]), name: 'Impostor' })),
          (err: unknown) => err instanceof DuplicateKeyError && err.field === 'credentialId',
        );
        assert.deepEqual(await store.passkeys.findByCredentialId('cred-1'), first);
        assert.deepEqual(await store.passkeys.listByAccount('acc-2'), []);
      });

      it('records a use: counter, backup state and last use, nothing else', async () => {
        await store.passkeys.add(passkey('acc-1', 'cred-1'));
        const at = new Date(clock + 5000);
        assert.equal(await store.passkeys.recordUse('cred-1', { counter: 42, deviceType: 'multiDevice', backedUp: true, at }), true);
        assert.deepEqual(
          await store.passkeys.findByCredentialId('cred-1'),
          passkey('acc-1', 'cred-1', { counter: 42, deviceType: 'multiDevice', backedUp: true, lastUsedAt: at }),
        );
        assert.equal(await store.passkeys.recordUse('unknown', { counter: 1, deviceType: 'singleDevice', backedUp: false, at }), false);
        assert.equal(await store.passkeys.findByCredentialId('unknown'), undefined);
      });

      it("renames and removes only the owner's passkey", async () => {
        await store.passkeys.add(passkey('acc-1', 'cred-1'));
        await store.passkeys.add(passkey('acc-2', 'cred-2'));

        assert.equal(await store.passkeys.rename('acc-2', 'cred-1', 'Hijacked'), false);
        assert.equal(await store.passkeys.remove('acc-2', 'cred-1'), false);
        assert.deepEqual(await store.passkeys.findByCredentialId('cred-1'), passkey('acc-1', 'cred-1'));

        assert.equal(await store.passkeys.rename('acc-1', 'cred-1', 'Work laptop'), true);
        assert.equal(await store.passkeys.rename('acc-1', 'cred-1', 'Work laptop'), true, 'renaming to the same name still finds it');
        assert.deepEqual(await store.passkeys.findByCredentialId('cred-1'), passkey('acc-1', 'cred-1', { name: 'Work laptop' }));
        assert.equal(await store.passkeys.rename('acc-1', 'unknown', 'x'), false);

        assert.equal(await store.passkeys.remove('acc-1', 'cred-1'), true);
        assert.equal(await store.passkeys.findByCredentialId('cred-1'), undefined);
        assert.deepEqual(await store.passkeys.listByAccount('acc-1'), []);
        assert.equal(await store.passkeys.remove('acc-1', 'cred-1'), false);
        assert.equal(await store.passkeys.rename('acc-1', 'cred-1', 'gone'), false);
        assert.deepEqual(await store.passkeys.findByCredentialId('cred-2'), passkey('acc-2', 'cred-2'));
        // A removed credential ID may be registered again.
        await store.passkeys.add(passkey('acc-1', 'cred-1'));
      });
    });

    describe('challenges', () => {
      const challenge = (key: string, value: string, expiresInMs = 60_000, accountId: string | null = null): StoredChallenge => ({
        key,
        challenge: value,
        accountId,
        expiresAt: new Date(clock + expiresInMs),
      });

      it('hands a challenge out once', async () => {
        await store.challenges.put(challenge('authn:interaction:u1', 'c-1', 60_000, 'acc-1'));
        await store.challenges.put(challenge('authn:interaction:u2', 'c-2'));
        assert.deepEqual(await store.challenges.take('authn:interaction:u1'), challenge('authn:interaction:u1', 'c-1', 60_000, 'acc-1'));
        assert.equal(await store.challenges.take('authn:interaction:u1'), undefined);
        assert.deepEqual(await store.challenges.take('authn:interaction:u2'), challenge('authn:interaction:u2', 'c-2'));
        assert.equal(await store.challenges.take('unknown'), undefined);
      });

      it('replaces the challenge under the same key', async () => {
        await store.challenges.put(challenge('reg:acc-1', 'old', 60_000, 'acc-1'));
        await store.challenges.put(challenge('reg:acc-1', 'new', 120_000, null));
        assert.deepEqual(await store.challenges.take('reg:acc-1'), challenge('reg:acc-1', 'new', 120_000, null));
        assert.equal(await store.challenges.take('reg:acc-1'), undefined);
        // Taken, then put again: a new challenge to take.
        await store.challenges.put(challenge('reg:acc-1', 'newest'));
        assert.equal((await store.challenges.take('reg:acc-1'))?.challenge, 'newest');
      });

      it('does not hand out an expired challenge, and sweepExpired deletes it', async () => {
        await store.challenges.put(challenge('k1', 'short', 60_000));
        await store.challenges.put(challenge('k2', 'long', 600_000));
        clock += 59_999;
        await store.challenges.put(challenge('k3', 'live', 1));
        clock += 1;
        assert.equal(await store.challenges.take('k1'), undefined);
        assert.equal(await store.challenges.take('k3'), undefined);
        assert.equal(await store.sweepExpired(), 2);
        clock -= 30_000;
        assert.equal(await store.challenges.take('k1'), undefined, 'really deleted, not hidden');
        assert.equal((await store.challenges.take('k2'))?.challenge, 'long');
      });

      it('hands a challenge to exactly one of 10 concurrent takes', async () => {
        for (let round = 0; round < 5; round += 1) {
          const key = `race-${round}`;
          await store.challenges.put(challenge(key, `c-${round}`));
          const results = await Promise.all(Array.from({ length: 10 }, () => store.challenges.take(key)));
          const taken = results.filter((result) => result !== undefined);
          assert.equal(taken.length, 1, `round ${round}: ${taken.length} takes got the challenge`);
          assert.deepEqual(taken[0], challenge(key, `c-${round}`));
        }
      });
    });

    describe('one-time codes', () => {
      const code = (key: string, digits: string, expiresInMs = 600_000): OneTimeCode => ({
        key,
        codeHash: sha256(digits),
        target: 'alice@example.com',
        expiresAt: new Date(clock + expiresInMs),
      });

      it('finds the live code under its key, replaced by a new issue', async () => {
        await store.oneTimeCodes.issue(code('signup:u1', '123456'));
        assert.deepEqual(await store.oneTimeCodes.find('signup:u1'), code('signup:u1', '123456'));
        assert.equal(await store.oneTimeCodes.find('signup:u2'), undefined);
        await store.oneTimeCodes.issue(code('signup:u1', '654321', 300_000));
        assert.deepEqual(await store.oneTimeCodes.find('signup:u1'), code('signup:u1', '654321', 300_000));
        assert.equal(await store.oneTimeCodes.consume('signup:u1', sha256('123456')), false, 'the replaced code is dead');
        assert.equal(await store.oneTimeCodes.consume('signup:u1', sha256('654321')), true);
      });

      it('consumes only with the right hash, once', async () => {
        await store.oneTimeCodes.issue(code('signup:u1', '123456'));
        assert.equal(await store.oneTimeCodes.consume('signup:u1', sha256('000000')), false);
        assert.deepEqual(await store.oneTimeCodes.find('signup:u1'), code('signup:u1', '123456'), 'a wrong code leaves it in place');
        assert.equal(await store.oneTimeCodes.consume('signup:u2', sha256('123456')), false, 'another key');
        assert.equal(await store.oneTimeCodes.consume('signup:u1', sha256('123456')), true);
        assert.equal(await store.oneTimeCodes.find('signup:u1'), undefined);
        assert.equal(await store.oneTimeCodes.consume('signup:u1', sha256('123456')), false);
      });

      it('neither finds nor consumes an expired code, and sweepExpired deletes it', async () => {
        const long = code('k2', '222222', 600_000);
        await store.oneTimeCodes.issue(code('k1', '111111', 60_000));
        await store.oneTimeCodes.issue(long);
        clock += 60_000;
        assert.equal(await store.oneTimeCodes.find('k1'), undefined);
        assert.equal(await store.oneTimeCodes.consume('k1', sha256('111111')), false);
        assert.equal(await store.sweepExpired(), 1);
        clock -= 30_000;
        assert.equal(await store.oneTimeCodes.find('k1'), undefined, 'really deleted, not hidden');
        assert.deepEqual(await store.oneTimeCodes.find('k2'), long);
      });

      it('lets exactly one of 10 concurrent consumes win', async () => {
        for (let round = 0; round < 5; round += 1) {
          const key = `race-${round}`;
          await store.oneTimeCodes.issue(code(key, '424242'));
          const results = await Promise.all(Array.from({ length: 10 }, () => store.oneTimeCodes.consume(key, sha256('424242'))));
          assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results.filter(Boolean).length} consumes won`);
          assert.equal(await store.oneTimeCodes.find(key), undefined);
        }
      });

      it('counts failures per key, and re-issuing a code does not reset the count', async () => {
        assert.equal(await store.oneTimeCodes.failures('signup:u1'), 0);
        await store.oneTimeCodes.issue(code('signup:u1', '111111'));
        assert.equal(await store.oneTimeCodes.recordFailure('signup:u1', 600), 1);
        assert.equal(await store.oneTimeCodes.recordFailure('signup:u1', 600), 2);
        await store.oneTimeCodes.issue(code('signup:u1', '222222'));
        assert.equal(await store.oneTimeCodes.failures('signup:u1'), 2);
        assert.equal(await store.oneTimeCodes.recordFailure('signup:u1', 600), 3);
        assert.equal(await store.oneTimeCodes.failures('signup:u1'), 3);
        // Consuming the code does not reset it either.
        assert.equal(await store.oneTimeCodes.consume('signup:u1', sha256('222222')), true);
        assert.equal(await store.oneTimeCodes.failures('signup:u1'), 3);
        assert.equal(await store.oneTimeCodes.failures('signup:u2'), 0);
        assert.equal(await store.oneTimeCodes.recordFailure('signup:u2', 600), 1);
      });

      it('counts every one of 10 concurrent failures, each call getting its own count', async () => {
        for (let round = 0; round < 3; round += 1) {
          const key = `race-${round}`;
          const counts = await Promise.all(Array.from({ length: 10 }, () => store.oneTimeCodes.recordFailure(key, 600)));
          assert.deepEqual([...counts].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], `round ${round}: ${counts.join(',')}`);
          assert.equal(await store.oneTimeCodes.failures(key), 10);
          const more = await Promise.all(Array.from({ length: 10 }, () => store.oneTimeCodes.recordFailure(key, 600)));
          assert.deepEqual([...more].sort((a, b) => a - b), [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
          assert.equal(await store.oneTimeCodes.failures(key), 20);
        }
      });

      it('keeps the failure window from the first failure, then starts over at 0', async () => {
        assert.equal(await store.oneTimeCodes.recordFailure('k', 60), 1);
        clock += 30_000;
        assert.equal(await store.oneTimeCodes.recordFailure('k', 60), 2);
        clock += 29_999;
        assert.equal(await store.oneTimeCodes.failures('k'), 2);
        clock += 1;
        assert.equal(await store.oneTimeCodes.failures('k'), 0, 'a later failure does not extend the window');
        assert.equal(await store.oneTimeCodes.recordFailure('k', 60), 1);
        assert.equal(await store.oneTimeCodes.recordFailure('k', 60), 2);
        clock += 59_999;
        assert.equal(await store.oneTimeCodes.failures('k'), 2);
        clock += 1;
        assert.equal(await store.oneTimeCodes.failures('k'), 0);
      });

      it('sweepExpired deletes ended failure windows', async () => {
        const start = clock;
        await store.oneTimeCodes.recordFailure('k', 60);
        await store.oneTimeCodes.recordFailure('k', 60);
        clock += 24 * 3600_000;
        assert.ok(await store.sweepExpired() >= 1);
        clock = start + 30_000;
        assert.equal(await store.oneTimeCodes.failures('k'), 0, 'really deleted, not hidden');
        assert.equal(await store.oneTimeCodes.recordFailure('k', 60), 1);
      });

      it('refuses a failure window that is not a positive number of seconds', async () => {
        for (const windowSeconds of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
          await assertRejectsWith(store.oneTimeCodes.recordFailure('k', windowSeconds), RangeError);
        }
        assert.equal(await store.oneTimeCodes.failures('k'), 0);
      });
    });

    describe('audit', () => {
      const event = (overrides: Partial<NewAuditEvent> = {}): NewAuditEvent => ({
        at: new Date(clock),
        type: 'passkey.registered',
        accountId: 'acc-1',
        actor: 'user',
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0',
        details: { credentialId: 'cred-1', aaguid: '00000000-0000-0000-0000-000000000000', 'odd.key': [[1], { $x: null }] },
        ...overrides,
      });

      it('appends events and returns them with a fresh id', async () => {
        const first = await store.audit.append(event());
        const second = await store.audit.append(event({ accountId: null, actor: 'system', ip: null, userAgent: null, details: {} }));
        assert.equal(typeof first.id, 'string');
        assert.ok(first.id.length > 0);
        assert.notEqual(first.id, second.id);
        assert.deepEqual(first, { id: first.id, ...event() });
        assert.deepEqual(second, { id: second.id, ...event({ accountId: null, actor: 'system', ip: null, userAgent: null, details: {} }) });
        assert.deepEqual(await store.audit.list({ limit: 10 }), [second, first]);
      });

      it("lists an account's events newest first, up to the limit", async () => {
        const at = (seconds: number): Date => new Date(clock + seconds * 1000);
        const appended = [];
        // Out of order on purpose; two share a timestamp, and the later appended counts as newer.
        for (const seconds of [3, 1, 4, 2, 4]) appended.push(await store.audit.append(event({ at: at(seconds), details: { seconds } })));
        await store.audit.append(event({ accountId: 'acc-2', at: at(10) }));
        await store.audit.append(event({ accountId: null, at: at(11) }));
        const [e3, e1, e4a, e2, e4b] = appended;
        assert.deepEqual(await store.audit.listByAccount('acc-1', 3), [e4b, e4a, e3]);
        assert.deepEqual(await store.audit.listByAccount('acc-1', 100), [e4b, e4a, e3, e2, e1]);
        assert.equal((await store.audit.listByAccount('acc-2', 100)).length, 1);
        assert.deepEqual(await store.audit.listByAccount('acc-3', 100), []);
      });

      it('lists all events or those of one type, newest first, up to the limit', async () => {
        const registered = await store.audit.append(event({ at: new Date(clock + 1000) }));
        const failedOld = await store.audit.append(event({ type: 'login.failed', accountId: null, at: new Date(clock) }));
        const failedNew = await store.audit.append(event({ type: 'login.failed', accountId: 'acc-2', at: new Date(clock + 2000) }));
        assert.deepEqual(await store.audit.list({ type: 'login.failed', limit: 10 }), [failedNew, failedOld]);
        assert.deepEqual(await store.audit.list({ type: 'login.failed', limit: 1 }), [failedNew]);
        assert.deepEqual(await store.audit.list({ type: 'passkey.counter_regression', limit: 10 }), []);
        assert.deepEqual(await store.audit.list({ limit: 2 }), [failedNew, registered]);
        assert.deepEqual(await store.audit.list({ limit: 10 }), [failedNew, registered, failedOld]);
      });

      it("filters an account's events by type, newest first, the limit counting matches only", async () => {
        const at = (seconds: number): Date => new Date(clock + seconds * 1000);
        const okOld = await store.audit.append(event({ type: 'login.succeeded', at: at(1) }));
        await store.audit.append(event({ type: 'passkey.registered', at: at(2) }));
        const failed = await store.audit.append(event({ type: 'login.failed', at: at(3) }));
        await store.audit.append(event({ type: 'login.succeeded', accountId: 'acc-2', at: at(4) }));
        await store.audit.append(event({ type: 'mode.switched', at: at(5) }));
        const okNew = await store.audit.append(event({ type: 'login.succeeded', at: at(6) }));
        await store.audit.append(event({ type: 'recovery.approved', at: at(7) }));

        const signIns = ['login.succeeded', 'login.failed'];
        assert.deepEqual(await store.audit.listByAccount('acc-1', 10, signIns), [okNew, failed, okOld]);
        assert.deepEqual(await store.audit.listByAccount('acc-1', 2, signIns), [okNew, failed]);
        assert.deepEqual(await store.audit.listByAccount('acc-1', 10, ['login.failed']), [failed]);
        assert.deepEqual(await store.audit.listByAccount('acc-1', 10, ['no.such.type']), []);
        assert.deepEqual(await store.audit.listByAccount('acc-1', 10, []), [], 'no types means no events');
        assert.equal((await store.audit.listByAccount('acc-1', 10)).length, 6, 'without types, every event');
        assert.equal((await store.audit.listByAccount('acc-2', 10, signIns)).length, 1);
        await assertRejectsWith(store.audit.listByAccount('acc-1', 0, signIns), RangeError);
      });

      it('refuses a limit that is not a positive integer', async () => {
        await store.audit.append(event());
        for (const limit of [0, -1, 1.5, Number.NaN]) {
          await assertRejectsWith(store.audit.listByAccount('acc-1', limit), RangeError);
          await assertRejectsWith(store.audit.list({ limit }), RangeError);
        }
      });

      it('is append-only: no method but append and the two lists, and returned events are copies', async () => {
        assert.deepEqual(methodNames(store.audit), ['append', 'list', 'listByAccount']);
        const appended = await store.audit.append(event());
        appended.type = 'mutated';
        appended.details.credentialId = 'mutated';
        appended.at.setTime(0);
        const [listed] = await store.audit.list({ limit: 1 });
        assert.ok(listed);
        assert.deepEqual(listed, { id: listed.id, ...event() });
        listed.details.credentialId = 'mutated again';
        assert.deepEqual(await store.audit.list({ limit: 1 }), [{ id: listed.id, ...event() }]);
      });
    });

    describe('devices', () => {
      const subscription = (n: number): PushSubscriptionRecord => ({
        endpoint: `https://push.example.net/send/${n}`,
        keys: { p256dh: `p256dh-${n}`, auth: `auth-${n}` },
      });
      const device = (accountId: string, id: string, overrides: Partial<Device> = {}): Device => ({
        id,
        accountId,
        credentialId: `cred-of-${id}`,
        subscription: subscription(1),
        name: 'iPhone 17',
        createdAt: new Date(clock),
        lastSeenAt: new Date(clock),
        ...overrides,
      });

      it('adds, finds and lists devices oldest first (the id breaking ties)', async () => {
        const newer = device('acc-1', 'dev-newer', { createdAt: new Date(clock + 1000), subscription: subscription(2) });
        const older = device('acc-1', 'dev-older', { createdAt: new Date(clock - 1000), lastSeenAt: new Date(clock + 5000) });
        const tieB = device('acc-1', 'dev-tie-b');
        const tieA = device('acc-1', 'dev-tie-a');
        const other = device('acc-2', 'dev-other');
        for (const d of [newer, tieB, other, older, tieA]) await store.devices.add(d);

        assert.deepEqual(await store.devices.findById('dev-newer'), newer);
        assert.deepEqual(await store.devices.findById('dev-other'), other);
        assert.equal(await store.devices.findById('unknown'), undefined);
        assert.deepEqual(await store.devices.listByAccount('acc-1'), [older, tieA, tieB, newer]);
        assert.deepEqual(await store.devices.listByAccount('acc-2'), [other]);
        assert.deepEqual(await store.devices.listByAccount('nobody'), []);
      });

      it('is not changed by mutating the added or the returned device', async () => {
        const input = device('acc-1', 'dev-1');
        await store.devices.add(input);
        input.subscription.keys.auth = 'mutated input';
        input.name = 'mutated input';
        input.createdAt.setTime(0);
        const found = await store.devices.findById('dev-1');
        assert.ok(found);
        found.subscription.endpoint = 'https://evil.example/';
        found.lastSeenAt.setTime(0);
        const [listed] = await store.devices.listByAccount('acc-1');
        assert.ok(listed);
        listed.subscription.keys.p256dh = 'mutated output';
        assert.deepEqual(await store.devices.findById('dev-1'), device('acc-1', 'dev-1'));
      });

      it('refuses a credential ID that already belongs to a device, even of another account, and keeps the first', async () => {
        const first = device('acc-1', 'dev-1', { credentialId: 'cred-shared' });
        await store.devices.add(first);
        await assert.rejects(
          store.devices.add(device('acc-2', 'dev-2', { credentialId: 'cred-shared', name: 'Impostor', subscription: subscription(9) })),
          (err: unknown) => err instanceof DuplicateKeyError && err.field === 'credentialId',
        );
        assert.deepEqual(await store.devices.findById('dev-1'), first);
        assert.equal(await store.devices.findById('dev-2'), undefined);
        assert.deepEqual(await store.devices.listByAccount('acc-2'), []);
      });

      it("renames, re-subscribes and removes only the owner's device", async () => {
        await store.devices.add(device('acc-1', 'dev-1'));
        await store.devices.add(device('acc-2', 'dev-2'));
        const later = new Date(clock + 60_000);

        assert.equal(await store.devices.rename('acc-2', 'dev-1', 'Hijacked'), false);
        assert.equal(await store.devices.updateSubscription('acc-2', 'dev-1', subscription(666), later), false);
        assert.equal(await store.devices.remove('acc-2', 'dev-1'), false);
        assert.deepEqual(await store.devices.findById('dev-1'), device('acc-1', 'dev-1'), 'another account changed nothing');

        assert.equal(await store.devices.rename('acc-1', 'dev-1', 'Work phone'), true);
        assert.equal(await store.devices.rename('acc-1', 'dev-1', 'Work phone'), true, 'renaming to the same name still finds it');
        assert.equal(await store.devices.updateSubscription('acc-1', 'dev-1', subscription(2), later), true);
        assert.deepEqual(
          await store.devices.findById('dev-1'),
          device('acc-1', 'dev-1', { name: 'Work phone', subscription: subscription(2), lastSeenAt: later }),
        );
        assert.equal(await store.devices.rename('acc-1', 'unknown', 'x'), false);
        assert.equal(await store.devices.updateSubscription('acc-1', 'unknown', subscription(3), later), false);

        assert.equal(await store.devices.remove('acc-1', 'dev-1'), true);
        assert.equal(await store.devices.findById('dev-1'), undefined);
        assert.deepEqual(await store.devices.listByAccount('acc-1'), []);
        assert.equal(await store.devices.remove('acc-1', 'dev-1'), false);
        assert.equal(await store.devices.rename('acc-1', 'dev-1', 'gone'), false);
        assert.equal(await store.devices.updateSubscription('acc-1', 'dev-1', subscription(4), later), false);
        assert.equal(await store.devices.findById('dev-1'), undefined, 'nothing came back to life');
        assert.deepEqual(await store.devices.findById('dev-2'), device('acc-2', 'dev-2'));
        // The removed device's credential may set up a device again.
        await store.devices.add(device('acc-1', 'dev-3', { credentialId: 'cred-of-dev-1' }));
      });

      it('touch moves lastSeenAt only, and ignores an unknown id', async () => {
        await store.devices.add(device('acc-1', 'dev-1'));
        const at = new Date(clock + 5000);
        await store.devices.touch('dev-1', at);
        await store.devices.touch('unknown', at);
        assert.deepEqual(await store.devices.findById('dev-1'), device('acc-1', 'dev-1', { lastSeenAt: at }));
        assert.equal(await store.devices.findById('unknown'), undefined);
      });
    });

    describe('approvals', () => {
      const approval = (accountId: string, id: string, overrides: Partial<Approval> = {}): Approval => ({
        id,
        accountId,
        interactionUid: `interaction-${id}`,
        browserHash: sha256(`browser-${id}`),
        matching: 'choose',
        number: '42',
        choices: ['17', '42', '88'],
        // Keys FerretDB cannot store verbatim, too: the context is whatever the service puts there.
        context: { client: 'Partner Service', browser: 'Chrome 156', os: 'Windows', ip: '203.0.113.7', place: 'Tokyo, JP', 'odd.key': 'dotted', $dollar: 'leading dollar' },
        status: 'pending',
        createdAt: new Date(clock),
        expiresAt: new Date(clock + 120_000),
        decidedAt: null,
        decidedBy: null,
        userVerified: false,
        ...overrides,
      });
      const decision = (overrides: Partial<ApprovalDecision> = {}): ApprovalDecision => ({
        status: 'approved',
        at: new Date(clock + 1000),
        deviceId: 'dev-1',
        userVerified: true,
        ...overrides,
      });
      /** The approval as decide() should return it. */
      const decided = (pending: Approval, d: ApprovalDecision): Approval => ({
        ...pending,
        status: d.status,
        decidedAt: d.at,
        decidedBy: d.deviceId,
        userVerified: d.userVerified,
      });

      it('creates and finds an approval, unchanged by mutating the input or the output', async () => {
        const input = approval('acc-1', 'ap-1');
        await store.approvals.create(input);
        input.choices.push('99');
        input.context.client = 'mutated input';
        input.expiresAt.setTime(clock + 999_999_999);
        const found = await store.approvals.find('ap-1');
        assert.deepEqual(found, approval('acc-1', 'ap-1'));
        assert.ok(found);
        found.choices[0] = 'mutated';
        found.context.ip = 'mutated';
        found.status = 'approved';
        assert.deepEqual(await store.approvals.find('ap-1'), approval('acc-1', 'ap-1'));
        assert.equal(await store.approvals.find('unknown'), undefined);
        const trusted = approval('acc-1', 'ap-2', { matching: 'none', number: '', choices: [], context: {} });
        await store.approvals.create(trusted);
        assert.deepEqual(await store.approvals.find('ap-2'), trusted);
      });

      it('lists pending approvals newest first, without decided, expired or other accounts\' ones', async () => {
        const oldest = approval('acc-1', 'ap-oldest', { createdAt: new Date(clock - 4000), expiresAt: new Date(clock + 1000) });
        const old = approval('acc-1', 'ap-old', { createdAt: new Date(clock - 3000) });
        const tieA = approval('acc-1', 'ap-tie-a', { createdAt: new Date(clock - 2000) });
        const tieB = approval('acc-1', 'ap-tie-b', { createdAt: new Date(clock - 2000) });
        const decidedOne = approval('acc-1', 'ap-decided', { createdAt: new Date(clock - 1000) });
        const other = approval('acc-2', 'ap-other');
        for (const a of [tieA, oldest, other, decidedOne, old, tieB]) await store.approvals.create(a);
        assert.ok(await store.approvals.decide('ap-decided', decision({ status: 'denied' })));

        assert.deepEqual(await store.approvals.listPending('acc-1'), [tieB, tieA, old, oldest]);
        assert.deepEqual(await store.approvals.listPending('acc-2'), [other]);
        assert.deepEqual(await store.approvals.listPending('nobody'), []);
        clock += 1000;
        assert.deepEqual(await store.approvals.listPending('acc-1'), [tieB, tieA, old], 'the expired one is gone');
      });

      it('decides a pending approval once and returns the decided record', async () => {
        const pending = approval('acc-1', 'ap-1');
        await store.approvals.create(pending);
        const d = decision();
        const result = await store.approvals.decide('ap-1', d);
        assert.deepEqual(result, decided(pending, d));
        assert.deepEqual(await store.approvals.find('ap-1'), decided(pending, d));
        assert.deepEqual(await store.approvals.listPending('acc-1'), []);

        assert.equal(await store.approvals.decide('ap-1', decision({ status: 'reported', deviceId: 'dev-2' })), undefined);
        assert.equal(await store.approvals.decide('ap-1', d), undefined, 'not even the same decision twice');
        assert.deepEqual(await store.approvals.find('ap-1'), decided(pending, d), 'the first decision stands');
        assert.equal(await store.approvals.decide('unknown', d), undefined);

        // Every kind of decision, also without a device.
        for (const status of ['denied', 'reported'] as const) {
          const other = approval('acc-1', `ap-${status}`);
          await store.approvals.create(other);
          const od = decision({ status, deviceId: null, userVerified: false });
          assert.deepEqual(await store.approvals.decide(other.id, od), decided(other, od));
          assert.deepEqual(await store.approvals.find(other.id), decided(other, od));
        }
      });

      it('does not decide an expired approval', async () => {
        await store.approvals.create(approval('acc-1', 'ap-1', { expiresAt: new Date(clock + 60_000) }));
        clock += 60_000;
        assert.equal(await store.approvals.decide('ap-1', decision()), undefined);
        assert.equal(await store.approvals.find('ap-1'), undefined);
        clock -= 60_000;
        assert.deepEqual(await store.approvals.find('ap-1'), approval('acc-1', 'ap-1', { expiresAt: new Date(clock + 60_000) }), 'still pending');
      });

      it('lets exactly one of 10 concurrent decides win, and stores the winner\'s decision', async () => {
        const statuses = ['approved', 'denied', 'reported'] as const;
        for (let round = 0; round < 5; round += 1) {
          const pending = approval('acc-1', `race-${round}`);
          await store.approvals.create(pending);
          const decisions = Array.from({ length: 10 }, (_, i) => decision({
            status: statuses[i % 3] ?? 'approved',
            at: new Date(clock + i),
            deviceId: `dev-${i}`,
            userVerified: i % 2 === 0,
          }));
          const results = await Promise.all(decisions.map((d) => store.approvals.decide(pending.id, d)));
          const winners = results.flatMap((result, i) => (result ? [i] : []));
          assert.equal(winners.length, 1, `round ${round}: ${winners.length} decides won`);
          const winner = decisions[winners[0] ?? -1];
          assert.ok(winner);
          assert.deepEqual(results[winners[0] ?? -1], decided(pending, winner));
          assert.deepEqual(await store.approvals.find(pending.id), decided(pending, winner), `round ${round}: the stored decision is the winner's`);
        }
      });

      it('refuses to decide back to pending', async () => {
        await store.approvals.create(approval('acc-1', 'ap-1'));
        const bogus = { ...decision(), status: 'pending' } as unknown as ApprovalDecision;
        await assertRejectsWith(store.approvals.decide('ap-1', bogus), RangeError);
        assert.deepEqual(await store.approvals.find('ap-1'), approval('acc-1', 'ap-1'));
      });

      it('counts the approvals an account created since a time, whatever became of them', async () => {
        const since = new Date(clock - 3600_000);
        await store.approvals.create(approval('acc-1', 'before', { createdAt: new Date(since.getTime() - 1) }));
        await store.approvals.create(approval('acc-1', 'at', { createdAt: since }));
        await store.approvals.create(approval('acc-1', 'expired', { createdAt: new Date(clock - 600_000), expiresAt: new Date(clock - 480_000) }));
        await store.approvals.create(approval('acc-1', 'decided'));
        await store.approvals.create(approval('acc-1', 'pending'));
        await store.approvals.create(approval('acc-2', 'other'));
        assert.ok(await store.approvals.decide('decided', decision({ status: 'denied' })));
        assert.equal(await store.approvals.countCreatedSince('acc-1', since), 4);
        assert.equal(await store.approvals.countCreatedSince('acc-1', new Date(clock)), 2);
        assert.equal(await store.approvals.countCreatedSince('acc-1', new Date(clock + 1)), 0);
        assert.equal(await store.approvals.countCreatedSince('acc-2', since), 1);
        assert.equal(await store.approvals.countCreatedSince('nobody', since), 0);
      });

      it('reads an expired approval, decided or not, as undefined', async () => {
        await store.approvals.create(approval('acc-1', 'pending', { expiresAt: new Date(clock + 60_000) }));
        await store.approvals.create(approval('acc-1', 'decided', { expiresAt: new Date(clock + 60_000) }));
        assert.ok(await store.approvals.decide('decided', decision()));
        clock += 59_999;
        assert.ok(await store.approvals.find('pending'));
        assert.ok(await store.approvals.find('decided'));
        clock += 1;
        assert.equal(await store.approvals.find('pending'), undefined);
        assert.equal(await store.approvals.find('decided'), undefined);
        assert.deepEqual(await store.approvals.listPending('acc-1'), []);
      });

      it('keeps expired approvals a day for the hourly cap, then sweepExpired deletes them', async () => {
        const start = clock;
        await store.approvals.create(approval('acc-1', 'short', { expiresAt: new Date(start + 60_000) }));
        await store.approvals.create(approval('acc-1', 'long', { expiresAt: new Date(start + 7 * 24 * 3600_000) }));
        clock = start + 60_000;
        assert.equal(await store.approvals.find('short'), undefined);
        assert.equal(await store.sweepExpired(), 0, 'still counted by the cap');
        assert.equal(await store.approvals.countCreatedSince('acc-1', new Date(start)), 2);

        clock = start + 60_000 + 24 * 3600_000;
        assert.equal(await store.sweepExpired(), 1);
        assert.equal(await store.sweepExpired(), 0);
        clock = start;
        assert.equal(await store.approvals.find('short'), undefined, 'really deleted, not hidden');
        assert.equal(await store.approvals.countCreatedSince('acc-1', new Date(start)), 1);
        assert.ok(await store.approvals.find('long'));
      });
    });

    describe('trusted browsers', () => {
      const browser = (accountId: string, id: string, overrides: Partial<TrustedBrowser> = {}): TrustedBrowser => ({
        id,
        accountId,
        tokenHash: sha256(`cookie-of-${id}`),
        label: 'Chrome 156 on Windows',
        name: 'Home PC',
        createdAt: new Date(clock),
        lastUsedAt: new Date(clock),
        ...overrides,
      });

      it('adds, finds by token hash and lists browsers oldest first (the id breaking ties)', async () => {
        const newer = browser('acc-1', 'tb-newer', { createdAt: new Date(clock + 1000), label: 'Safari 26 on iOS' });
        const older = browser('acc-1', 'tb-older', { createdAt: new Date(clock - 1000) });
        const tieB = browser('acc-1', 'tb-tie-b');
        const tieA = browser('acc-1', 'tb-tie-a');
        const other = browser('acc-2', 'tb-other');
        for (const b of [newer, tieB, other, older, tieA]) await store.trustedBrowsers.add(b);

        assert.deepEqual(await store.trustedBrowsers.findByTokenHash(sha256('cookie-of-tb-newer')), newer);
        assert.deepEqual(await store.trustedBrowsers.findByTokenHash(sha256('cookie-of-tb-other')), other);
        assert.equal(await store.trustedBrowsers.findByTokenHash(sha256('unknown')), undefined);
        assert.deepEqual(await store.trustedBrowsers.listByAccount('acc-1'), [older, tieA, tieB, newer]);
        assert.deepEqual(await store.trustedBrowsers.listByAccount('acc-2'), [other]);
        assert.deepEqual(await store.trustedBrowsers.listByAccount('nobody'), []);
      });

      it('is not changed by mutating the added or the returned browser', async () => {
        const input = browser('acc-1', 'tb-1');
        await store.trustedBrowsers.add(input);
        input.name = 'mutated input';
        input.lastUsedAt.setTime(0);
        const found = await store.trustedBrowsers.findByTokenHash(browser('acc-1', 'tb-1').tokenHash);
        assert.ok(found);
        found.accountId = 'acc-2';
        found.createdAt.setTime(0);
        assert.deepEqual(await store.trustedBrowsers.listByAccount('acc-1'), [browser('acc-1', 'tb-1')]);
      });

      it('refuses a token hash stored before, even for another account, and keeps the first', async () => {
        const first = browser('acc-1', 'tb-1');
        await store.trustedBrowsers.add(first);
        await assert.rejects(
          store.trustedBrowsers.add(browser('acc-2', 'tb-2', { tokenHash: first.tokenHash, name: 'Impostor' })),
          (err: unknown) => err instanceof DuplicateKeyError && err.field === 'tokenHash',
        );
        assert.deepEqual(await store.trustedBrowsers.findByTokenHash(first.tokenHash), first);
        assert.deepEqual(await store.trustedBrowsers.listByAccount('acc-2'), []);
      });

      it("touches any browser, but renames and removes only the owner's", async () => {
        const mine = browser('acc-1', 'tb-1');
        const theirs = browser('acc-2', 'tb-2');
        await store.trustedBrowsers.add(mine);
        await store.trustedBrowsers.add(theirs);

        assert.equal(await store.trustedBrowsers.rename('acc-2', 'tb-1', 'Hijacked'), false);
        assert.equal(await store.trustedBrowsers.remove('acc-2', 'tb-1'), false);
        assert.deepEqual(await store.trustedBrowsers.findByTokenHash(mine.tokenHash), mine, 'another account changed nothing');

        const at = new Date(clock + 5000);
        await store.trustedBrowsers.touch('tb-1', at);
        await store.trustedBrowsers.touch('unknown', at);
        assert.equal(await store.trustedBrowsers.rename('acc-1', 'tb-1', 'Office'), true);
        assert.equal(await store.trustedBrowsers.rename('acc-1', 'tb-1', 'Office'), true, 'renaming to the same name still finds it');
        assert.deepEqual(await store.trustedBrowsers.findByTokenHash(mine.tokenHash), { ...mine, name: 'Office', lastUsedAt: at });
        assert.equal(await store.trustedBrowsers.rename('acc-1', 'unknown', 'x'), false);

        assert.equal(await store.trustedBrowsers.remove('acc-1', 'tb-1'), true);
        assert.equal(await store.trustedBrowsers.findByTokenHash(mine.tokenHash), undefined);
        assert.equal(await store.trustedBrowsers.remove('acc-1', 'tb-1'), false);
        assert.equal(await store.trustedBrowsers.rename('acc-1', 'tb-1', 'gone'), false);
        assert.deepEqual(await store.trustedBrowsers.listByAccount('acc-1'), []);
        assert.deepEqual(await store.trustedBrowsers.findByTokenHash(theirs.tokenHash), theirs);
        // A removed browser's token hash may be stored again.
        await store.trustedBrowsers.add(browser('acc-1', 'tb-3', { tokenHash: mine.tokenHash }));
      });

      it("removeAllForAccount removes that account's browsers only and says how many", async () => {
        for (const id of ['tb-1', 'tb-2', 'tb-3']) await store.trustedBrowsers.add(browser('acc-1', id));
        const theirs = browser('acc-2', 'tb-4');
        await store.trustedBrowsers.add(theirs);

        assert.equal(await store.trustedBrowsers.removeAllForAccount('acc-1'), 3);
        assert.deepEqual(await store.trustedBrowsers.listByAccount('acc-1'), []);
        assert.equal(await store.trustedBrowsers.findByTokenHash(browser('acc-1', 'tb-2').tokenHash), undefined);
        assert.deepEqual(await store.trustedBrowsers.listByAccount('acc-2'), [theirs]);
        assert.equal(await store.trustedBrowsers.removeAllForAccount('acc-1'), 0);
        assert.equal(await store.trustedBrowsers.removeAllForAccount('nobody'), 0);
      });
    });

    describe('blocks', () => {
      it('finds a live block until it ends, and a new block replaces the old one', async () => {
        assert.equal(await store.blocks.find('push:acc-1'), undefined);
        await store.blocks.block('push:acc-1', new Date(clock + 3600_000), 'reported');
        await store.blocks.block('push:acc-2', new Date(clock + 60_000), 'other');
        assert.deepEqual(await store.blocks.find('push:acc-1'), { until: new Date(clock + 3600_000), reason: 'reported' });

        // A replacement may shorten the block as well as lengthen it.
        await store.blocks.block('push:acc-1', new Date(clock + 600_000), 'operator');
        assert.deepEqual(await store.blocks.find('push:acc-1'), { until: new Date(clock + 600_000), reason: 'operator' });
        clock += 599_999;
        assert.ok(await store.blocks.find('push:acc-1'));
        clock += 1;
        assert.equal(await store.blocks.find('push:acc-1'), undefined);
        assert.equal(await store.blocks.find('push:acc-2'), undefined);

        await store.blocks.block('push:acc-1', new Date(clock + 60_000), 'again');
        assert.deepEqual(await store.blocks.find('push:acc-1'), { until: new Date(clock + 60_000), reason: 'again' });
      });

      it('is not changed by mutating the given or the returned until', async () => {
        const until = new Date(clock + 60_000);
        await store.blocks.block('k', until, 'r');
        until.setTime(clock + 999_999_999);
        const found = await store.blocks.find('k');
        assert.ok(found);
        found.until.setTime(clock + 999_999_999);
        assert.deepEqual(await store.blocks.find('k'), { until: new Date(clock + 60_000), reason: 'r' });
      });

      it('sweepExpired deletes ended blocks, and never devices or trusted browsers', async () => {
        await store.blocks.block('short', new Date(clock + 60_000), 'r');
        await store.blocks.block('long', new Date(clock + 600_000), 'r');
        const old = new Date(clock - 10 * 365 * 24 * 3600_000);
        const device: Device = {
          id: 'dev-1',
          accountId: 'acc-1',
          credentialId: 'cred-1',
          subscription: { endpoint: 'https://push.example.net/1', keys: { p256dh: 'p', auth: 'a' } },
          name: 'Phone',
          createdAt: old,
          lastSeenAt: old,
        };
        const trusted: TrustedBrowser = { id: 'tb-1', accountId: 'acc-1', tokenHash: sha256('c'), label: 'l', name: 'n', createdAt: old, lastUsedAt: old };
        await store.devices.add(device);
        await store.trustedBrowsers.add(trusted);

        clock += 60_000;
        assert.equal(await store.sweepExpired(), 1);
        clock -= 30_000;
        assert.equal(await store.blocks.find('short'), undefined, 'really deleted, not hidden');
        assert.ok(await store.blocks.find('long'));
        clock += 10 * 365 * 24 * 3600_000;
        assert.equal(await store.sweepExpired(), 1);
        assert.deepEqual(await store.devices.findById('dev-1'), device);
        assert.deepEqual(await store.trustedBrowsers.findByTokenHash(trusted.tokenHash), trusted);
      });
    });

    describe('recovery requests', () => {
      const request = (id: string, overrides: Partial<RecoveryRequest> = {}): RecoveryRequest => ({
        id,
        accountId: 'acc-1',
        accountHint: 'Alice@Example.com ',
        contactEmail: 'alice.home@example.net',
        contactMobile: '090-1234-5678',
        message: '携帯電話をなくしました。I lost my phone.',
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0',
        status: 'pending',
        createdAt: new Date(clock),
        decidedAt: null,
        decidedBy: null,
        decisionNote: '',
        enrolmentSentTo: null,
        completedAt: null,
        ...overrides,
      });

      it('creates and finds a request, unchanged by mutating the input or the output, and refuses a duplicate id', async () => {
        const input = request('rr-1');
        await store.recoveryRequests.create(input);
        input.message = 'mutated input';
        input.createdAt.setTime(0);
        const found = await store.recoveryRequests.findById('rr-1');
        assert.deepEqual(found, request('rr-1'));
        assert.ok(found);
        found.status = 'approved';
        found.createdAt.setTime(0);
        assert.deepEqual(await store.recoveryRequests.findById('rr-1'), request('rr-1'));
        assert.equal(await store.recoveryRequests.findById('unknown'), undefined);

        // A request naming no account is kept too, without ip or user agent.
        const anonymous = request('rr-2', { accountId: null, ip: null, userAgent: null, contactMobile: '' });
        await store.recoveryRequests.create(anonymous);
        assert.deepEqual(await store.recoveryRequests.findById('rr-2'), anonymous);

        await assert.rejects(
          store.recoveryRequests.create(request('rr-1', { message: 'second' })),
          (err: unknown) => err instanceof DuplicateKeyError && err.field === 'id',
        );
        assert.deepEqual(await store.recoveryRequests.findById('rr-1'), request('rr-1'));
      });

      it('lists requests newest first (the id breaking ties), optionally of one status, up to the limit', async () => {
        const oldest = request('rr-oldest', { createdAt: new Date(clock - 3000) });
        const tieA = request('rr-tie-a', { createdAt: new Date(clock - 2000) });
        const tieB = request('rr-tie-b', { createdAt: new Date(clock - 2000) });
        const newest = request('rr-newest', { createdAt: new Date(clock - 1000), accountId: null });
        for (const r of [tieA, newest, oldest, tieB]) await store.recoveryRequests.create(r);
        const approved = await store.recoveryRequests.transition('rr-tie-a', 'pending', { status: 'approved', at: new Date(clock), by: 'operator:bob' });
        assert.ok(approved);

        assert.deepEqual(await store.recoveryRequests.list({ limit: 10 }), [newest, tieB, approved, oldest]);
        assert.deepEqual(await store.recoveryRequests.list({ limit: 2 }), [newest, tieB]);
        assert.deepEqual(await store.recoveryRequests.list({ status: 'pending', limit: 10 }), [newest, tieB, oldest]);
        assert.deepEqual(await store.recoveryRequests.list({ status: 'pending', limit: 1 }), [newest]);
        assert.deepEqual(await store.recoveryRequests.list({ status: 'approved', limit: 10 }), [approved]);
        assert.deepEqual(await store.recoveryRequests.list({ status: 'completed', limit: 10 }), []);
        for (const limit of [0, -1, 1.5, Number.NaN]) {
          await assertRejectsWith(store.recoveryRequests.list({ limit }), RangeError);
          await assertRejectsWith(store.recoveryRequests.list({ status: 'pending', limit }), RangeError);
        }
      });

      it('sets the decision on approve and reject, completedAt on complete, and keeps the rest', async () => {
        await store.recoveryRequests.create(request('rr-1'));
        const approvedAt = new Date(clock + 1000);
        const approved = await store.recoveryRequests.transition('rr-1', 'pending', {
          status: 'approved', at: approvedAt, by: 'operator:bob', note: '本人確認済み', enrolmentSentTo: 'alice.home@example.net',
        });
        const expectedApproved = request('rr-1', {
          status: 'approved', decidedAt: approvedAt, decidedBy: 'operator:bob', decisionNote: '本人確認済み', enrolmentSentTo: 'alice.home@example.net',
        });
        assert.deepEqual(approved, expectedApproved);
        assert.deepEqual(await store.recoveryRequests.findById('rr-1'), expectedApproved);

        const completedAt = new Date(clock + 2000);
        const completed = await store.recoveryRequests.transition('rr-1', 'approved', { status: 'completed', at: completedAt });
        assert.deepEqual(completed, { ...expectedApproved, status: 'completed', completedAt });
        assert.deepEqual(await store.recoveryRequests.findById('rr-1'), { ...expectedApproved, status: 'completed', completedAt });

        // Without by and note: no operator named, an empty note.
        await store.recoveryRequests.create(request('rr-2'));
        const rejected = await store.recoveryRequests.transition('rr-2', 'pending', { status: 'rejected', at: approvedAt });
        const expectedRejected = request('rr-2', { status: 'rejected', decidedAt: approvedAt, decidedBy: null, decisionNote: '' });
        assert.deepEqual(rejected, expectedRejected);
        assert.deepEqual(await store.recoveryRequests.findById('rr-2'), expectedRejected);
        const returned = await store.recoveryRequests.findById('rr-2');
        assert.ok(returned?.decidedAt);
        returned.decidedAt.setTime(0);
        assert.deepEqual(await store.recoveryRequests.findById('rr-2'), expectedRejected, 'returned requests are copies');
      });

      it('refuses a transition from a state the request is not in, or of an unknown request, and changes nothing', async () => {
        await store.recoveryRequests.create(request('rr-1'));
        const at = new Date(clock + 1000);
        assert.equal(await store.recoveryRequests.transition('rr-1', 'approved', { status: 'completed', at }), undefined);
        assert.equal(await store.recoveryRequests.transition('rr-1', 'rejected', { status: 'approved', at, by: 'operator:bob' }), undefined);
        assert.deepEqual(await store.recoveryRequests.findById('rr-1'), request('rr-1'));

        assert.ok(await store.recoveryRequests.transition('rr-1', 'pending', { status: 'rejected', at, by: 'operator:bob', note: 'no' }));
        const rejected = await store.recoveryRequests.findById('rr-1');
        assert.equal(await store.recoveryRequests.transition('rr-1', 'pending', { status: 'approved', at, by: 'operator:eve' }), undefined, 'a decided request stays decided');
        assert.equal(await store.recoveryRequests.transition('rr-1', 'approved', { status: 'completed', at }), undefined);
        assert.deepEqual(await store.recoveryRequests.findById('rr-1'), rejected);

        assert.equal(await store.recoveryRequests.transition('unknown', 'pending', { status: 'approved', at }), undefined);
        assert.equal(await store.recoveryRequests.findById('unknown'), undefined);
      });

      it('lets exactly one of 10 concurrent transitions from one state win, and stores the winner\'s', async () => {
        for (let round = 0; round < 5; round += 1) {
          const pending = request(`race-${round}`);
          await store.recoveryRequests.create(pending);
          const transitions: RecoveryTransition[] = Array.from({ length: 10 }, (_, i) => ({
            status: i % 2 ? 'approved' : 'rejected',
            at: new Date(clock + i),
            by: `operator:${i}`,
            note: `note ${i}`,
            ...(i % 2 ? { enrolmentSentTo: `contact-${i}@example.net` } : {}),
          }));
          const results = await Promise.all(transitions.map((t) => store.recoveryRequests.transition(pending.id, 'pending', t)));
          const winners = results.flatMap((result, i) => (result ? [i] : []));
          assert.equal(winners.length, 1, `round ${round}: ${winners.length} transitions won`);
          const won = results[winners[0] ?? -1];
          assert.ok(won);
          assert.equal(won.decidedBy, `operator:${winners[0]}`);
          assert.deepEqual(await store.recoveryRequests.findById(pending.id), won, `round ${round}: the stored request is the winner's`);

          // Completing it races the same way.
          if (won.status === 'approved') {
            const completions = await Promise.all(Array.from({ length: 10 }, (_, i) => store.recoveryRequests.transition(pending.id, 'approved', { status: 'completed', at: new Date(clock + 100 + i) })));
            assert.equal(completions.filter((result) => result !== undefined).length, 1, `round ${round}: completions`);
          }
        }
      });
    });

    describe('enrolment tickets', () => {
      const ticket = (id: string, overrides: Partial<EnrolmentTicket> = {}): EnrolmentTicket => ({
        id,
        secretHash: sha256(`secret-of-${id}`),
        accountId: 'acc-1',
        purpose: 'recovery',
        recoveryRequestId: 'rr-1',
        sentTo: 'alice.home@example.net',
        createdAt: new Date(clock),
        expiresAt: new Date(clock + 600_000),
        ...overrides,
      });

      it('creates and finds a live ticket, unchanged by mutating the input or the output, and refuses a duplicate id', async () => {
        const input = ticket('t-1');
        await store.enrolmentTickets.create(input);
        input.expiresAt.setTime(clock + 999_999_999);
        input.accountId = 'mutated input';
        const found = await store.enrolmentTickets.find('t-1');
        assert.deepEqual(found, ticket('t-1'));
        assert.ok(found);
        found.expiresAt.setTime(0);
        found.accountId = 'mutated output';
        assert.deepEqual(await store.enrolmentTickets.find('t-1'), ticket('t-1'));
        assert.equal(await store.enrolmentTickets.find('unknown'), undefined);

        const handedOver = ticket('t-2', { purpose: 'phone_change', recoveryRequestId: null, sentTo: null });
        await store.enrolmentTickets.create(handedOver);
        assert.deepEqual(await store.enrolmentTickets.find('t-2'), handedOver);

        await assert.rejects(
          store.enrolmentTickets.create(ticket('t-1', { accountId: 'acc-2' })),
          (err: unknown) => err instanceof DuplicateKeyError && err.field === 'id',
        );
        assert.deepEqual(await store.enrolmentTickets.find('t-1'), ticket('t-1'));
      });

      it('uses a ticket once: afterwards it is neither found nor usable', async () => {
        await store.enrolmentTickets.create(ticket('t-1'));
        await store.enrolmentTickets.create(ticket('t-2'));
        assert.equal(await store.enrolmentTickets.use('t-1'), true);
        assert.equal(await store.enrolmentTickets.find('t-1'), undefined);
        assert.equal(await store.enrolmentTickets.use('t-1'), false);
        assert.equal(await store.enrolmentTickets.use('unknown'), false);
        assert.deepEqual(await store.enrolmentTickets.find('t-2'), ticket('t-2'), 'other tickets stay');
      });

      it('neither finds nor uses an expired ticket', async () => {
        await store.enrolmentTickets.create(ticket('t-1', { expiresAt: new Date(clock + 60_000) }));
        clock += 59_999;
        assert.ok(await store.enrolmentTickets.find('t-1'));
        clock += 1;
        assert.equal(await store.enrolmentTickets.find('t-1'), undefined);
        assert.equal(await store.enrolmentTickets.use('t-1'), false);
        clock -= 60_000;
        assert.deepEqual(await store.enrolmentTickets.find('t-1'), ticket('t-1', { expiresAt: new Date(clock + 60_000) }), 'refused, not used up');
      });

      it('sweepExpired deletes expired tickets only', async () => {
        const long = ticket('t-long');
        await store.enrolmentTickets.create(ticket('t-short', { expiresAt: new Date(clock + 60_000) }));
        await store.enrolmentTickets.create(long);
        clock += 60_000;
        assert.equal(await store.sweepExpired(), 1);
        assert.equal(await store.sweepExpired(), 0);
        clock -= 30_000;
        assert.equal(await store.enrolmentTickets.find('t-short'), undefined, 'really deleted, not hidden');
        assert.deepEqual(await store.enrolmentTickets.find('t-long'), long);
      });

      it('lets exactly one of 10 concurrent uses win', async () => {
        for (let round = 0; round < 5; round += 1) {
          const id = `race-${round}`;
          await store.enrolmentTickets.create(ticket(id));
          const results = await Promise.all(Array.from({ length: 10 }, () => store.enrolmentTickets.use(id)));
          assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results.filter(Boolean).length} uses won`);
          assert.equal(await store.enrolmentTickets.find(id), undefined);
        }
      });
    });

    if (kind === 'mongo') {
      describe('mongo specifics', () => {
        it('reports whether TTL indexes exist (FerretDB has none)', () => {
          assert.ok('ttlSupported' in store);
          assert.equal(typeof store.ttlSupported, 'boolean');
          if (!process.env.MONGODB_URI) assert.equal(store.ttlSupported, false);
        });

        it('init() can run again', async () => {
          await store.init();
          await store.init();
          await store.oidc('Session').upsert('s1', { uid: 'u1' }, 60);
          assert.deepEqual(await store.oidc('Session').findByUid('u1'), { uid: 'u1' });
        });

        it('lets exactly one consume win across two connections (two processes)', async () => {
          const uri = await mongoTestUri(uniqueDbName('tobira_race'));
          const [a, b] = await Promise.all([createMongoStore(uri), createMongoStore(uri)]);
          try {
            await a.init();
            for (let round = 0; round < 5; round += 1) {
              const id = `race-${round}`;
              await a.oidc('RefreshToken').upsert(id, { grantId: 'g' }, 60);
              const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).oidc('RefreshToken').consume(id)));
              assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1, `round ${round}`);
            }
          } finally {
            await Promise.all([a.close(), b.close()]);
          }
        });

        it('hands out challenges and codes once and counts every failure across two connections', async () => {
          const uri = await mongoTestUri(uniqueDbName('tobira_race'));
          const [a, b] = await Promise.all([createMongoStore(uri), createMongoStore(uri)]);
          try {
            await a.init();
            const either = (i: number): Store => (i % 2 ? a : b);
            for (let round = 0; round < 3; round += 1) {
              const key = `race-${round}`;
              const expiresAt = new Date(Date.now() + 60_000);
              await a.challenges.put({ key, challenge: `c-${round}`, accountId: null, expiresAt });
              const taken = await Promise.all(Array.from({ length: 10 }, (_, i) => either(i).challenges.take(key)));
              assert.equal(taken.filter((result) => result !== undefined).length, 1, `round ${round}: challenge`);

              await a.oneTimeCodes.issue({ key, codeHash: sha256('123456'), target: 'alice@example.com', expiresAt });
              const consumed = await Promise.all(Array.from({ length: 10 }, (_, i) => either(i).oneTimeCodes.consume(key, sha256('123456'))));
              assert.equal(consumed.filter(Boolean).length, 1, `round ${round}: code`);

              const counts = await Promise.all(Array.from({ length: 10 }, (_, i) => either(i).oneTimeCodes.recordFailure(key, 600)));
              assert.deepEqual([...counts].sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], `round ${round}: failures`);
              assert.equal(await b.oneTimeCodes.failures(key), 10);
            }
          } finally {
            await Promise.all([a.close(), b.close()]);
          }
        });

        it('decides an approval exactly once across two connections', async () => {
          const uri = await mongoTestUri(uniqueDbName('tobira_race'));
          const [a, b] = await Promise.all([createMongoStore(uri), createMongoStore(uri)]);
          try {
            await a.init();
            for (let round = 0; round < 5; round += 1) {
              const id = `race-${round}`;
              const createdAt = new Date();
              await a.approvals.create({
                id,
                accountId: 'acc-1',
                interactionUid: 'i',
                browserHash: sha256('b'),
                matching: 'type',
                number: '123456',
                choices: [],
                context: {},
                status: 'pending',
                createdAt,
                expiresAt: new Date(createdAt.getTime() + 60_000),
                decidedAt: null,
                decidedBy: null,
                userVerified: false,
              });
              const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).approvals.decide(id, {
                status: i % 2 ? 'approved' : 'denied',
                at: new Date(),
                deviceId: `dev-${i}`,
                userVerified: true,
              })));
              const won = results.filter((result) => result !== undefined);
              assert.equal(won.length, 1, `round ${round}: ${won.length} decides won`);
              assert.deepEqual(await b.approvals.find(id), won[0]);
            }
          } finally {
            await Promise.all([a.close(), b.close()]);
          }
        });

        it('reads accounts stored before always-passkey, contacts and sessionsValidFrom as off and empty, and updates them', async () => {
          const uri = await mongoTestUri(uniqueDbName('tobira_legacy'));
          const raw = await mongoose.createConnection(uri).asPromise();
          const legacy = await createMongoStore(uri);
          try {
            await legacy.init();
            const at = new Date(clock);
            const old = { email: 'old@example.com', emailVerified: true, name: 'Old', passwordHash: 'old-hash', webauthnUserId: 'handle', createdAt: at, updatedAt: at };
            await raw.collection('accounts').insertOne({ _id: 'legacy-1', ...old } as unknown as mongoose.mongo.OptionalId<mongoose.mongo.Document>);
            const expected = { id: 'legacy-1', ...old, alwaysPasskey: false, contactEmail: null, contactMobile: null, sessionsValidFrom: null };
            assert.deepEqual(await legacy.accounts.findById('legacy-1'), expected);
            assert.deepEqual(await legacy.accounts.findByEmail('old@example.com'), expected);

            const results = await Promise.all(Array.from({ length: 10 }, (_, i) => legacy.accounts.setSignInMode('legacy-1', { passwordHash: null, alwaysPasskey: true }, new Date(clock + i), false)));
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

        it('serialises account updates, transitions requests and uses tickets exactly once across two connections', async () => {
          const uri = await mongoTestUri(uniqueDbName('tobira_race'));
          const [a, b] = await Promise.all([createMongoStore(uri), createMongoStore(uri)]);
          try {
            await a.init();
            const either = (i: number): Store => (i % 2 ? a : b);
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

              const id = `race-${round}`;
              await a.recoveryRequests.create({
                id, accountId: account.id, accountHint: account.email, contactEmail: '', contactMobile: '', message: '', ip: null, userAgent: null,
                status: 'pending', createdAt: at, decidedAt: null, decidedBy: null, decisionNote: '', enrolmentSentTo: null, completedAt: null,
              });
              const transitions = await Promise.all(Array.from({ length: 10 }, (_, i) => either(i).recoveryRequests.transition(id, 'pending', { status: 'approved', at, by: `operator:${i}` })));
              const won = transitions.filter((result) => result !== undefined);
              assert.equal(won.length, 1, `round ${round}: transitions`);
              assert.deepEqual(await b.recoveryRequests.findById(id), won[0]);

              await a.enrolmentTickets.create({
                id, secretHash: sha256(id), accountId: account.id, purpose: 'recovery', recoveryRequestId: id, sentTo: null, createdAt: at, expiresAt: new Date(at.getTime() + 60_000),
              });
              const uses = await Promise.all(Array.from({ length: 10 }, (_, i) => either(i).enrolmentTickets.use(id)));
              assert.equal(uses.filter(Boolean).length, 1, `round ${round}: ticket uses`);
            }
          } finally {
            await Promise.all([a.close(), b.close()]);
          }
        });

        it('fails with StoreUnavailableError once closed', async () => {
          const uri = await mongoTestUri(uniqueDbName('tobira_closed'));
          const closed = await createMongoStore(uri, { serverSelectionTimeoutMS: 1000 });
          await closed.close();
          await assertRejectsWith(closed.ping(), StoreUnavailableError);
          await assertRejectsWith(closed.oidc('Session').find('s1'), StoreUnavailableError);
        });
      });
    }
  });
}

describe('store selection', () => {
  it('opens the memory store without a MongoDB URI', async () => {
    const store = await openStore({});
    try {
      assert.equal(store.kind, 'memory');
    } finally {
      await store.close();
    }
  });

  it('opens and initialises the mongo store with a URI', async () => {
    const store = await openStore({ mongodbUri: await mongoTestUri(uniqueDbName('tobira_open')) });
    try {
      assert.equal(store.kind, 'mongo');
      await store.ping();
      await store.oidc('Session').upsert('s1', { uid: 'u1' }, 60);
      await assertRejectsWith(store.oidc('Session').upsert('s2', { uid: 'u1' }, 60), DuplicateKeyError);
    } finally {
      await store.close();
    }
  });

  it('rejects with StoreUnavailableError within seconds when nothing listens', async () => {
    const port = await closedLoopbackPort();
    const started = Date.now();
    await assertRejectsWith(openStore({ mongodbUri: `mongodb://127.0.0.1:${port}/tobira`, serverSelectionTimeoutMS: 1000 }), StoreUnavailableError);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
});
