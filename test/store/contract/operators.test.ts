// Operator role grants and personal tokens: one role per account, replaced by a new grant; the
// admin switch the bootstrap token reads; tokens found by id, listed per account newest first,
// revoked once (a second revocation and another account's revocation change nothing).
import assert from 'node:assert/strict';
import { DuplicateKeyError } from '../../../src/store/errors.ts';
import type { OperatorToken } from '../../../src/store/ports/operators.ts';
import { forEachStore } from './support.ts';

function token(id: string, accountId: string, createdAt: number, scopes = ['recovery']): OperatorToken {
  return { id, accountId, name: `token ${id}`, scopes, secretHash: `hash-${id}`, createdAt: new Date(createdAt), expiresAt: new Date(createdAt + 86_400_000), revokedAt: null, lastUsedAt: null };
}

forEachStore('operator grants', (t) => {
  it('keeps one role per account, replaced by a new grant, listed oldest first, and removed', async () => {
    const grants = t.store.operatorGrants;
    assert.equal(await grants.find('a1'), undefined);
    assert.deepEqual(await grants.list(), []);
    await grants.put({ accountId: 'a1', role: 'operator', grantedAt: new Date(t.clock), grantedBy: 'operator:bootstrap-token' });
    await grants.put({ accountId: 'a2', role: 'admin', grantedAt: new Date(t.clock + 1000), grantedBy: 'operator:a1:x@example.com' });
    assert.equal((await grants.find('a1'))?.role, 'operator');
    assert.equal((await grants.find('a1'))?.grantedAt.getTime(), t.clock);
    await grants.put({ accountId: 'a1', role: 'admin', grantedAt: new Date(t.clock + 2000), grantedBy: 'operator:a2:y@example.com' });
    const listed = await grants.list();
    assert.deepEqual(listed.map((g) => [g.accountId, g.role, g.grantedBy]), [['a2', 'admin', 'operator:a1:x@example.com'], ['a1', 'admin', 'operator:a2:y@example.com']]);
    assert.equal(await grants.remove('a1'), true);
    assert.equal(await grants.remove('a1'), false);
    assert.equal(await grants.find('a1'), undefined);
  });

  it('lists the accounts that hold admin', async () => {
    const grants = t.store.operatorGrants;
    assert.deepEqual(await grants.listAdmins(), []);
    await grants.put({ accountId: 'a1', role: 'operator', grantedAt: new Date(t.clock), grantedBy: 'x' });
    assert.deepEqual(await grants.listAdmins(), []);
    await grants.put({ accountId: 'a2', role: 'admin', grantedAt: new Date(t.clock), grantedBy: 'x' });
    await grants.put({ accountId: 'a3', role: 'admin', grantedAt: new Date(t.clock), grantedBy: 'x' });
    assert.deepEqual((await grants.listAdmins()).map((g) => g.accountId).sort(), ['a2', 'a3']);
    await grants.put({ accountId: 'a2', role: 'operator', grantedAt: new Date(t.clock), grantedBy: 'x' });
    assert.deepEqual((await grants.listAdmins()).map((g) => g.accountId), ['a3'], 'a demotion counts');
  });
});

forEachStore('operator tokens', (t) => {
  it('stores a token, finds it by id, refuses a second with the same id, and lists per account newest first', async () => {
    const tokens = t.store.operatorTokens;
    await tokens.create(token('t1', 'a1', t.clock));
    await tokens.create(token('t2', 'a1', t.clock + 1000, ['clients', 'keys']));
    await tokens.create(token('t3', 'a2', t.clock + 2000));
    await assert.rejects(tokens.create(token('t1', 'a2', t.clock)), (err) => err instanceof DuplicateKeyError && err.field === 'id');
    const found = await tokens.find('t2');
    assert.deepEqual(found, token('t2', 'a1', t.clock + 1000, ['clients', 'keys']));
    found!.scopes.push('operators');
    assert.deepEqual((await tokens.find('t2'))?.scopes, ['clients', 'keys'], 'a copy was returned');
    assert.equal(await tokens.find('nope'), undefined);
    assert.deepEqual((await tokens.listByAccount('a1')).map((x) => x.id), ['t2', 't1']);
    assert.deepEqual((await tokens.listByAccount('a3')), []);
  });

  it('revokes a token of its account once; another account cannot; revokeAll takes the live rest', async () => {
    const tokens = t.store.operatorTokens;
    await tokens.create(token('t1', 'a1', t.clock));
    await tokens.create(token('t2', 'a1', t.clock + 1));
    await tokens.create(token('t3', 'a1', t.clock + 2));
    await tokens.create(token('t4', 'a2', t.clock + 3));
    assert.equal(await tokens.revoke('a2', 't1', new Date(t.clock + 10)), false, 'not its token');
    assert.equal((await tokens.find('t1'))?.revokedAt, null);
    assert.equal(await tokens.revoke('a1', 't1', new Date(t.clock + 10)), true);
    assert.equal(await tokens.revoke('a1', 't1', new Date(t.clock + 20)), false, 'revoked already');
    assert.equal((await tokens.find('t1'))?.revokedAt?.getTime(), t.clock + 10, 'the first revocation stands');
    assert.equal(await tokens.revokeAll('a1', new Date(t.clock + 30)), 2);
    assert.equal((await tokens.find('t3'))?.revokedAt?.getTime(), t.clock + 30);
    assert.equal((await tokens.find('t4'))?.revokedAt, null, 'another account keeps its tokens');
    assert.equal(await tokens.revokeAll('a1', new Date(t.clock + 40)), 0);
  });

  it('records the last use', async () => {
    const tokens = t.store.operatorTokens;
    await tokens.create(token('t1', 'a1', t.clock));
    await tokens.touch('t1', new Date(t.clock + 5000));
    assert.equal((await tokens.find('t1'))?.lastUsedAt?.getTime(), t.clock + 5000);
    await tokens.touch('nope', new Date(t.clock));
  });
});
