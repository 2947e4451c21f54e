import assert from 'node:assert/strict';
import { isRole, isScope, roleAllows, SCOPES, scopesOf } from './roles.ts';
import { operatorActor, operatorName } from './acting.ts';

describe('operator roles', () => {
  it('gives an operator the recovery queue, accounts and the audit log, and an admin everything', () => {
    assert.deepEqual(scopesOf('operator'), ['recovery', 'accounts', 'audit']);
    assert.deepEqual(scopesOf('admin'), [...SCOPES]);
    for (const scope of ['clients', 'keys', 'operators'] as const) assert.equal(roleAllows('operator', scope), false, scope);
  });

  it('knows its roles and scopes and nothing else', () => {
    assert.ok(isRole('admin') && isRole('operator'));
    for (const value of ['root', 'Admin', '', undefined, 1]) assert.equal(isRole(value), false, String(value));
    assert.ok(isScope('keys'));
    for (const value of ['everything', 'toString', '__proto__', null]) assert.equal(isScope(value), false, String(value));
  });

  it('names an operator in the audit log by account id and e-mail, and the bootstrap token as itself', () => {
    assert.equal(operatorActor({ accountId: 'a-1', email: 'aoi@example.com' }), 'operator:a-1:aoi@example.com');
    assert.equal(operatorActor({ accountId: null, email: null }), 'operator:bootstrap-token');
    assert.equal(operatorName({ accountId: 'a-1', email: 'aoi@example.com' }), 'aoi@example.com');
  });
});
