// One behavioural contract, held against every store adapter. Services and the oidc-provider glue
// rely on exactly these guarantees, so an adapter that passes here can be swapped in.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { AlreadyConsumedError, DuplicateKeyError, StoreUnavailableError } from '../../src/store/errors.ts';
import { openStore } from '../../src/store/index.ts';
import { createMongoStore } from '../../src/store/mongo/index.ts';
import type { AdapterPayload, Store } from '../../src/store/types.ts';
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
    });

    describe('accounts', () => {
      const alice = { email: 'alice@example.com', emailVerified: true, name: 'Alice', passwordHash: null };

      it('creates accounts with fresh ids and finds them by id and e-mail', async () => {
        const created = await store.accounts.create(alice);
        const other = await store.accounts.create({ ...alice, email: 'bob@example.com', name: '', passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA' });
        assert.match(created.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        assert.notEqual(created.id, other.id);
        assert.deepEqual(created, { id: created.id, ...alice, createdAt: new Date(clock), updatedAt: new Date(clock) });
        assert.deepEqual(await store.accounts.findById(created.id), created);
        assert.deepEqual(await store.accounts.findByEmail('alice@example.com'), created);
        assert.deepEqual(await store.accounts.findByEmail('bob@example.com'), other);
        assert.equal(await store.accounts.findById('00000000-0000-4000-8000-000000000000'), undefined);
        assert.equal(await store.accounts.findByEmail('carol@example.com'), undefined);
      });

      it('refuses a duplicate e-mail and leaves the first account as it was', async () => {
        const first = await store.accounts.create(alice);
        await assert.rejects(
          store.accounts.create({ ...alice, name: 'Impostor', emailVerified: false }),
          (err: unknown) => err instanceof DuplicateKeyError && err.field === 'email',
        );
        assert.deepEqual(await store.accounts.findByEmail(alice.email), first);
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
