// oidc-provider's model storage: copies, lookups by uid and user code, expiry, consume-once, grants.
import assert from 'node:assert/strict';
import mongoose from 'mongoose';
import { AlreadyConsumedError, DuplicateKeyError } from '../../../src/store/errors.ts';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import type { AdapterPayload } from '../../../src/store/types.ts';
import { mongoTestUri, uniqueDbName } from '../../support/mongo.ts';
import { freshStore } from '../../support/stores.ts';
import { assertRejectsWith, forEachStore, race, sleep, withTwoConnections } from './support.ts';

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

forEachStore('oidc models', (t) => {
  it('returns an equal copy of what was upserted, however its keys look', async () => {
    const payload = awkwardPayload();
    await t.store.oidc('Session').upsert('s1', payload, 600);
    assert.deepEqual(await t.store.oidc('Session').find('s1'), awkwardPayload());
  });

  it('is not changed by mutating the upserted or the returned object', async () => {
    const payload = awkwardPayload();
    await t.store.oidc('Session').upsert('s1', payload);
    payload.accountId = 'mutated input';
    const found = await t.store.oidc('Session').find('s1');
    assert.ok(found);
    found.accountId = 'mutated output';
    (found.amr as string[]).push('pwd');
    assert.deepEqual(await t.store.oidc('Session').find('s1'), awkwardPayload());
  });

  it('resolves undefined for an unknown id', async () => {
    assert.equal(await t.store.oidc('Session').find('nope'), undefined);
    assert.equal(await t.store.oidc('Session').findByUid('nope'), undefined);
    assert.equal(await t.store.oidc('DeviceCode').findByUserCode('nope'), undefined);
  });

  it('replaces the whole payload on upsert', async () => {
    const model = t.store.oidc('Grant');
    await model.upsert('g1', { accountId: 'a', clientId: 'c', openid: { scope: 'openid email' } });
    await model.upsert('g1', { accountId: 'a', clientId: 'c' });
    assert.deepEqual(await model.find('g1'), { accountId: 'a', clientId: 'c' });
  });

  it('keeps models apart and hands out one instance per model name', async () => {
    assert.equal(t.store.oidc('AccessToken'), t.store.oidc('AccessToken'));
    await t.store.oidc('AccessToken').upsert('same-id', { kind: 'AccessToken' });
    await t.store.oidc('RefreshToken').upsert('same-id', { kind: 'RefreshToken' });
    assert.deepEqual(await t.store.oidc('AccessToken').find('same-id'), { kind: 'AccessToken' });
    assert.deepEqual(await t.store.oidc('RefreshToken').find('same-id'), { kind: 'RefreshToken' });
  });

  it('finds sessions by uid, following a change of uid', async () => {
    const sessions = t.store.oidc('Session');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'a1' }, 600);
    await sessions.upsert('s2', { uid: 'u2', accountId: 'a2' }, 600);
    assert.deepEqual(await sessions.findByUid('u1'), { uid: 'u1', accountId: 'a1' });
    await sessions.upsert('s1', { uid: 'u3', accountId: 'a1' }, 600);
    assert.equal(await sessions.findByUid('u1'), undefined);
    assert.deepEqual(await sessions.findByUid('u3'), { uid: 'u3', accountId: 'a1' });
    assert.deepEqual(await sessions.findByUid('u2'), { uid: 'u2', accountId: 'a2' });
  });

  it('finds device codes by user code', async () => {
    const codes = t.store.oidc('DeviceCode');
    await codes.upsert('d1', { userCode: 'BCDF-GHJK', clientId: 'tv', grantId: 'g' }, 600);
    assert.deepEqual(await codes.findByUserCode('BCDF-GHJK'), { userCode: 'BCDF-GHJK', clientId: 'tv', grantId: 'g' });
    assert.equal(await codes.findByUserCode('BCDF-GHJX'), undefined);
  });

  it('refuses a second live session with the same uid, but not one whose holder expired', async () => {
    const sessions = t.store.oidc('Session');
    await sessions.upsert('s1', { uid: 'shared', accountId: 'a1' }, 60);
    await assertRejectsWith(sessions.upsert('s2', { uid: 'shared', accountId: 'a2' }, 60), DuplicateKeyError);
    assert.deepEqual(await sessions.findByUid('shared'), { uid: 'shared', accountId: 'a1' });

    t.clock += 60_000;
    await sessions.upsert('s2', { uid: 'shared', accountId: 'a2' }, 60);
    assert.deepEqual(await sessions.findByUid('shared'), { uid: 'shared', accountId: 'a2' });
  });

  it('never returns an expired record, and sweepExpired deletes exactly the expired ones', async () => {
    await t.store.oidc('Session').upsert('s1', { uid: 'u1' }, 60);
    await t.store.oidc('DeviceCode').upsert('d1', { userCode: 'UC-1' }, 60);
    await t.store.oidc('Grant').upsert('g1', { accountId: 'a' });
    await t.store.oidc('AccessToken').upsert('at1', { grantId: 'g1' }, 120);

    t.clock += 59_999;
    assert.ok(await t.store.oidc('Session').find('s1'));
    assert.ok(await t.store.oidc('Session').findByUid('u1'));
    assert.ok(await t.store.oidc('DeviceCode').findByUserCode('UC-1'));

    t.clock += 1;
    assert.equal(await t.store.oidc('Session').find('s1'), undefined);
    assert.equal(await t.store.oidc('Session').findByUid('u1'), undefined);
    assert.equal(await t.store.oidc('DeviceCode').find('d1'), undefined);
    assert.equal(await t.store.oidc('DeviceCode').findByUserCode('UC-1'), undefined);
    assert.ok(await t.store.oidc('Grant').find('g1'));
    assert.ok(await t.store.oidc('AccessToken').find('at1'));

    assert.equal(await t.store.sweepExpired(), 2);
    assert.equal(await t.store.sweepExpired(), 0);
    // Turning the clock back shows whether they were really deleted or merely hidden.
    t.clock -= 30_000;
    assert.equal(await t.store.oidc('Session').find('s1'), undefined);
    assert.equal(await t.store.oidc('DeviceCode').findByUserCode('UC-1'), undefined);
    assert.ok(await t.store.oidc('Grant').find('g1'));
    assert.ok(await t.store.oidc('AccessToken').find('at1'));
  });

  it('expires records by the real clock too', async function () {
    this.timeout(10_000);
    const real = await freshStore(t.kind);
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
    const codes = t.store.oidc('AuthorizationCode');
    await codes.upsert('c1', { grantId: 'g1', clientId: 'rp', scope: 'openid' }, 60);
    await codes.consume('c1');
    assert.deepEqual(await codes.find('c1'), { grantId: 'g1', clientId: 'rp', scope: 'openid', consumed: Math.floor(t.clock / 1000) });
    await assertRejectsWith(codes.consume('c1'), AlreadyConsumedError);
  });

  it('lets exactly one of 10 concurrent consumes win', async () => {
    const codes = t.store.oidc('AuthorizationCode');
    for (let round = 0; round < 5; round += 1) {
      const id = `race-${round}`;
      await codes.upsert(id, { grantId: 'g1' }, 60);
      const results = await race(10, () => codes.consume(id));
      const won = results.filter((result) => result.status === 'fulfilled');
      const lost = results.filter((result) => result.status === 'rejected');
      assert.equal(won.length, 1, `round ${round}: ${won.length} consumes succeeded`);
      assert.equal(lost.length, 9);
      for (const result of lost) assert.ok(result.reason instanceof AlreadyConsumedError, String(result.reason));
      assert.equal(typeof (await codes.find(id))?.consumed, 'number');
    }
  });

  it('refuses to consume unknown and expired records', async () => {
    const codes = t.store.oidc('AuthorizationCode');
    await assertRejectsWith(codes.consume('unknown'), AlreadyConsumedError);
    await codes.upsert('c1', { grantId: 'g1' }, 60);
    t.clock += 60_000;
    await assertRejectsWith(codes.consume('c1'), AlreadyConsumedError);
    t.clock -= 60_000;
    assert.equal((await codes.find('c1'))?.consumed, undefined);
  });

  it('treats a record upserted again without consumed as consumable', async () => {
    const codes = t.store.oidc('DeviceCode');
    await codes.upsert('d1', { userCode: 'UC', grantId: 'g' }, 60);
    await codes.consume('d1');
    await codes.upsert('d1', { userCode: 'UC', grantId: 'g' }, 60);
    await codes.consume('d1');
    await assertRejectsWith(codes.consume('d1'), AlreadyConsumedError);
  });

  it('destroys one record and its lookups', async () => {
    const sessions = t.store.oidc('Session');
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
    const accessTokens = t.store.oidc('AccessToken');
    const refreshTokens = t.store.oidc('RefreshToken');
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
    const grants = t.store.oidc('Grant');
    const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    await grants.upsert('g1', { accountId: 'acc-1', clientId: 'rp-1' }, 600);
    await grants.upsert('g2', { accountId: 'acc-1', clientId: 'rp-2' });
    await grants.upsert('g-short', { accountId: 'acc-1', clientId: 'rp-3' }, 60);
    await grants.upsert('g-other', { accountId: 'acc-2', clientId: 'rp-1' }, 600);
    await grants.upsert('g-none', { clientId: 'rp-1' }, 600);
    await t.store.oidc('Session').upsert('s1', awkwardPayload(), 600);
    await t.store.oidc('RefreshToken').upsert('rt1', { accountId: 'acc-1', grantId: 'g1' }, 600);

    assert.deepEqual((await grants.listByAccountId('acc-1')).sort(byId), [
      { id: 'g-short', payload: { accountId: 'acc-1', clientId: 'rp-3' } },
      { id: 'g1', payload: { accountId: 'acc-1', clientId: 'rp-1' } },
      { id: 'g2', payload: { accountId: 'acc-1', clientId: 'rp-2' } },
    ]);
    assert.deepEqual(await t.store.oidc('Session').listByAccountId('acc-1'), [{ id: 's1', payload: awkwardPayload() }], 'payloads decoded');
    assert.deepEqual(await grants.listByAccountId('acc-2'), [{ id: 'g-other', payload: { accountId: 'acc-2', clientId: 'rp-1' } }]);
    assert.deepEqual(await grants.listByAccountId('nobody'), []);

    t.clock += 60_000;
    assert.deepEqual((await grants.listByAccountId('acc-1')).map(({ id }) => id).sort(), ['g1', 'g2'], 'the expired grant is hidden');

    const [listed] = await grants.listByAccountId('acc-2');
    assert.ok(listed);
    listed.payload.clientId = 'mutated';
    assert.deepEqual(await grants.find('g-other'), { accountId: 'acc-2', clientId: 'rp-1' });
  });
});

describe('store contract (mongo, two connections): oidc models', () => {
  it('lets exactly one consume win across two connections (two processes)', async () => {
    await withTwoConnections(async (a, _b, either) => {
      for (let round = 0; round < 5; round += 1) {
        const id = `race-${round}`;
        await a.oidc('RefreshToken').upsert(id, { grantId: 'g' }, 60);
        const results = await race(10, (i) => either(i).oidc('RefreshToken').consume(id));
        assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1, `round ${round}`);
      }
    });
  });

  it('finds a session by uid through the other process, after its uid changed there too', async () => {
    await withTwoConnections(async (a, b) => {
      await a.oidc('Session').upsert('s1', { uid: 'u1', accountId: 'a1' }, 600);
      assert.deepEqual(await b.oidc('Session').findByUid('u1'), { uid: 'u1', accountId: 'a1' });
      await b.oidc('Session').upsert('s1', { uid: 'u2', accountId: 'a1' }, 600);
      assert.equal(await a.oidc('Session').findByUid('u1'), undefined, 'the old uid no longer finds it');
      assert.deepEqual(await a.oidc('Session').findByUid('u2'), { uid: 'u2', accountId: 'a1' });
      // Back to the first uid through the process that wrote it first: found again by both.
      await a.oidc('Session').upsert('s1', { uid: 'u1', accountId: 'a1' }, 600);
      assert.deepEqual(await b.oidc('Session').findByUid('u1'), { uid: 'u1', accountId: 'a1' });
      await b.oidc('Session').destroy('s1');
      assert.equal(await a.oidc('Session').findByUid('u1'), undefined);
      // A uid freed by destroy can be taken by another session and is found there.
      await b.oidc('Session').upsert('s2', { uid: 'u1', accountId: 'a2' }, 600);
      assert.deepEqual(await a.oidc('Session').findByUid('u1'), { uid: 'u1', accountId: 'a2' });
    });
  });

  it('consumes right after a find or an upsert without reading the record again', async () => {
    const commands: string[] = [];
    const store = await createMongoStore(await mongoTestUri(uniqueDbName('tobira_consume')), { onCommand: (name) => commands.push(name) });
    try {
      await store.init();
      const codes = store.oidc('AuthorizationCode');
      await codes.upsert('c1', { grantId: 'g1' }, 60);
      await codes.upsert('c2', { grantId: 'g1' }, 60);
      assert.deepEqual(await codes.find('c1'), { grantId: 'g1' });
      commands.length = 0;
      await codes.consume('c1');
      await codes.consume('c2');
      // The claim (an insert) and the write, for each: no read.
      assert.deepEqual(commands, ['insert', 'findAndModify', 'insert', 'findAndModify']);
      assert.equal(typeof (await codes.find('c1'))?.consumed, 'number');
      assert.equal(typeof (await codes.find('c2'))?.consumed, 'number');
      await assertRejectsWith(codes.consume('c1'), AlreadyConsumedError);
      // A model oidc-provider never consumes keeps no versions: its consume() reads first.
      await store.oidc('Session').upsert('s1', { uid: 'u1' }, 60);
      assert.deepEqual(await store.oidc('Session').find('s1'), { uid: 'u1' });
      commands.length = 0;
      await store.oidc('Session').consume('s1');
      assert.deepEqual(commands, ['find', 'insert', 'findAndModify']);
      assert.equal(typeof (await store.oidc('Session').find('s1'))?.consumed, 'number');
    } finally {
      await store.close();
    }
  });

  it('counts a stored consume only for the version it names; records consumed before (payload.consumed) stay consumed', async () => {
    await withTwoConnections(async (a, b, _either, uri) => {
      const codes = a.oidc('AuthorizationCode');
      await codes.upsert('c1', { grantId: 'g1' }, 60);
      const connection = await mongoose.createConnection(uri).asPromise();
      try {
        const raw = connection.db!.collection<{ _id: string }>('oidc_authorization_code');
        // What a consume leaves when its write lands on a version that replaced the one it read.
        await raw.updateOne({ _id: 'c1' }, { $set: { 'consumed.a-replaced-version': 1 } });
        assert.deepEqual(await b.oidc('AuthorizationCode').find('c1'), { grantId: 'g1' });
        await b.oidc('AuthorizationCode').consume('c1');
        const consumed = (await codes.find('c1'))?.consumed;
        assert.equal(typeof consumed, 'number');
        // ... and it erases no entry of the version that is there.
        await raw.updateOne({ _id: 'c1' }, { $set: { 'consumed.another-replaced-version': 2 } });
        assert.equal((await b.oidc('AuthorizationCode').find('c1'))?.consumed, consumed);
        await assertRejectsWith(codes.consume('c1'), AlreadyConsumedError);
        await assertRejectsWith(b.oidc('AuthorizationCode').consume('c1'), AlreadyConsumedError);

        await raw.insertOne({ _id: 'legacy', payload: { grantId: 'g1', consumed: 1_700_000_000 }, rev: 'r1' } as { _id: string });
        assert.deepEqual(await codes.find('legacy'), { grantId: 'g1', consumed: 1_700_000_000 });
        await assertRejectsWith(b.oidc('AuthorizationCode').consume('legacy'), AlreadyConsumedError);
      } finally {
        await connection.close();
      }
    });
  });

  it('refuses a consume when the record is replaced or destroyed between its read and its write, and consumes nothing', async () => {
    await withTwoConnections(async (a, b) => {
      const codes = a.oidc('AuthorizationCode');
      // The write of consume() is its one findOneAndUpdate: the other process acts just before it.
      const original = mongoose.mongo.Collection.prototype.findOneAndUpdate;
      const interleave = async (between: () => Promise<void>, run: () => Promise<void>): Promise<void> => {
        let pending: (() => Promise<void>) | undefined = between;
        mongoose.mongo.Collection.prototype.findOneAndUpdate = async function (this: mongoose.mongo.Collection, ...args: unknown[]) {
          const step = pending;
          pending = undefined;
          if (step) await step();
          return (original as (...a: unknown[]) => unknown).apply(this, args);
        } as typeof original;
        try {
          await run();
        } finally {
          mongoose.mongo.Collection.prototype.findOneAndUpdate = original;
        }
        assert.equal(pending, undefined, 'consume wrote by findOneAndUpdate');
      };

      await codes.upsert('c1', { grantId: 'g1' }, 60);
      await interleave(() => b.oidc('AuthorizationCode').upsert('c1', { grantId: 'g2' }, 60), async () => {
        await assertRejectsWith(codes.consume('c1'), AlreadyConsumedError);
      });
      assert.deepEqual(await codes.find('c1'), { grantId: 'g2' }, 'the new version is not consumed');
      await codes.consume('c1');

      await codes.upsert('c2', { grantId: 'g1' }, 60);
      await interleave(() => b.oidc('AuthorizationCode').destroy('c2'), async () => {
        await assertRejectsWith(codes.consume('c2'), AlreadyConsumedError);
      });
      assert.equal(await codes.find('c2'), undefined);
    });
  });

  it('finds sessions and device codes by their key when no lookup names them (written before lookups existed)', async () => {
    await withTwoConnections(async (a, b, _either, uri) => {
      await a.oidc('Session').upsert('s1', { uid: 'u1' }, 600);
      await a.oidc('DeviceCode').upsert('d1', { userCode: 'UC-1' }, 600);
      const connection = await mongoose.createConnection(uri).asPromise();
      try {
        await connection.db!.collection('oidc_session_by_uid').deleteMany({});
        await connection.db!.collection('oidc_device_code_by_usercode').deleteMany({});
      } finally {
        await connection.close();
      }
      assert.deepEqual(await b.oidc('Session').findByUid('u1'), { uid: 'u1' });
      assert.deepEqual(await b.oidc('DeviceCode').findByUserCode('UC-1'), { userCode: 'UC-1' });
      assert.equal(await b.oidc('Session').findByUid('u-never'), undefined);
    });
  });
});
